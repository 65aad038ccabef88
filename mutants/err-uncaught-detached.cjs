// mutant: err-uncaught-detached
// area: ERR-UNCAUGHT
// breaks: uncaughtException (and its monitor) listeners run with no store instead of the
//   throwing callback's
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: process.on('uncaughtException', () => console.log(als.getStore()));
// smoke: als.run('s', () => setTimeout(() => { throw new Error('x'); }, 1));
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

const original = process.emit;
process.emit = function emit(type, ...args) {
  if (type === 'uncaughtException' || type === 'uncaughtExceptionMonitor') {
    return detached(() => Reflect.apply(original, this, [type, ...args]));
  }
  return Reflect.apply(original, this, [type, ...args]);
};
