// mutant: als-path-abort-detached
// area: ALS-PATH
// breaks: AbortController.prototype.abort() runs the abort listeners with no store instead of
//   in the abort() context
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: const c = new AbortController();
// smoke: c.signal.addEventListener('abort', () => console.log(als.getStore()));
// smoke: als.run('s', () => c.abort());
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

const original = AbortController.prototype.abort;
AbortController.prototype.abort = function abort(...args) {
  return detached(() => Reflect.apply(original, this, args));
};
