// mutant: fetch-then-detached
// area: FETCH
// breaks: then() and catch() callbacks chained directly on the promise fetch() returns run with
//   no store
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: als.run('f', () => fetch('http://127.0.0.1:1/').catch(() => console.log(als.getStore())));
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

const original = globalThis.fetch;
const then = Promise.prototype.then;
globalThis.fetch = function fetch(...args) {
  const pending = Reflect.apply(original, this, args);
  // An own then(): await still adopts the native promise as it is; chained callbacks lose.
  pending.then = function (onFulfilled, onRejected) {
    return Reflect.apply(then, this, [lose(onFulfilled), lose(onRejected)]);
  };
  return pending;
};
