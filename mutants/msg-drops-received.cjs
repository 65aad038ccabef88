// mutant: msg-drops-received
// area: MSG
// breaks: ERR_INVALID_ARG_TYPE errors of async_hooks functions lose the part of their message
//   that describes the value received
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: try { AsyncLocalStorage.bind(1); } catch (e) { console.log(e.message); }
'use strict';

const asyncHooks = require('node:async_hooks');

function trim(error) {
  if (error && error.code === 'ERR_INVALID_ARG_TYPE' && typeof error.message === 'string') {
    error.message = error.message.replace(/\. Received [\s\S]*$/, '');
  }
  return error;
}
function guarded(target, name) {
  const original = target[name];
  target[name] = {
    [name](...args) {
      try {
        return Reflect.apply(original, this, args);
      } catch (error) {
        throw trim(error);
      }
    },
  }[name];
}
guarded(asyncHooks.AsyncLocalStorage, 'bind');
guarded(asyncHooks.AsyncLocalStorage.prototype, 'run');
guarded(asyncHooks.AsyncLocalStorage.prototype, 'exit');
guarded(asyncHooks.AsyncResource, 'bind');
guarded(asyncHooks.AsyncResource.prototype, 'bind');
guarded(asyncHooks.AsyncResource.prototype, 'runInAsyncScope');
guarded(asyncHooks, 'createHook');

require('node:module').syncBuiltinESMExports();
