// mutant: als-path-resolve-thenable-detached
// area: ALS-PATH
// breaks: Promise.resolve(thenable) calls the thenable's then() with no store instead of in the
//   resolving context
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: const t = { then(ok) { console.log(als.getStore()); ok(1); } };
// smoke: als.run('s', () => Promise.resolve(t));
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

const original = Promise.resolve;
Promise.resolve = function resolve(value) {
  const thenable = value !== null && (typeof value === 'object' || typeof value === 'function');
  if (thenable && !(value instanceof Promise)) {
    return detached(() => Reflect.apply(original, this, [value]));
  }
  return Reflect.apply(original, this, [value]);
};
