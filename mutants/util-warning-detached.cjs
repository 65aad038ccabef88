// mutant: util-warning-detached
// area: UTIL-WARNING
// breaks: process.emitWarning() emits the warning event with no store instead of the caller's
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: process.on('warning', () => console.log(als.getStore()));
// smoke: als.run('w', () => process.emitWarning('x'));
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

const original = process.emitWarning;
process.emitWarning = function emitWarning(...args) {
  return detached(() => Reflect.apply(original, this, args));
};
