// mutant: lang-from-async-detached
// area: LANG-FROMASYNC
// breaks: Array.fromAsync() iterates with no store instead of in the caller's store
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: function* g() { console.log(als.getStore()); yield 1; }
// smoke: als.run('a', () => Array.fromAsync(g()));
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

const original = Array.fromAsync;
Array.fromAsync = function fromAsync(...args) {
  return detached(() => Reflect.apply(original, this, args));
};
