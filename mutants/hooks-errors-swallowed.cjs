// mutant: hooks-errors-swallowed
// area: HOOK-ERR
// breaks: an exception thrown by a hook callback is swallowed instead of ending the process
// smoke: const ah = require('node:async_hooks');
// smoke: const h = ah.createHook({ init() { throw new Error('boom'); } }).enable();
// smoke: setTimeout(() => {}, 1);
// smoke: h.disable();
// smoke: console.log('alive');
'use strict';

const asyncHooks = require('node:async_hooks');

const names = ['init', 'before', 'after', 'destroy', 'promiseResolve'];
const original = asyncHooks.createHook;
asyncHooks.createHook = function createHook(callbacks) {
  if (callbacks === null || typeof callbacks !== 'object') return original(callbacks);
  const safe = {};
  for (const name of names) {
    const fn = callbacks[name];
    if (typeof fn !== 'function') continue;
    safe[name] = {
      value(...args) {
        try {
          return Reflect.apply(fn, this, args);
        } catch {
          return undefined;
        }
      },
    };
  }
  return original(Object.create(callbacks, safe));
};

require('node:module').syncBuiltinESMExports();
