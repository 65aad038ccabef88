// mutant: util-callbackify-detached
// area: UTIL-CALLBACKIFY
// breaks: functions made by util.callbackify() call their callback with no store
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: const util = require('node:util');
// smoke: const f = util.callbackify(async () => 1);
// smoke: als.run('c', () => f(() => console.log(als.getStore())));
'use strict';
const { AsyncLocalStorage } = require('node:async_hooks');

// A runner taken now, while nothing is entered: whatever it runs sees no store.
const detached = AsyncLocalStorage.snapshot();
// `fn` as a function that runs with no store, whatever context calls it.
function lose(fn) {
  if (typeof fn !== 'function') return fn;
  return function (...args) {
    return detached(() => Reflect.apply(fn, this, args));
  };
}
// The arguments with their last function made to run with no store.
function loseLast(args) {
  const out = [...args];
  for (let i = out.length - 1; i >= 0; i--) {
    if (typeof out[i] === 'function') {
      out[i] = lose(out[i]);
      break;
    }
  }
  return out;
}

const util = require('node:util');

const original = util.callbackify;
util.callbackify = function callbackify(fn) {
  const made = original(fn);
  const patched = function (...args) {
    return Reflect.apply(made, this, loseLast(args));
  };
  Object.defineProperties(patched, Object.getOwnPropertyDescriptors(made));
  return patched;
};

require('node:module').syncBuiltinESMExports();
