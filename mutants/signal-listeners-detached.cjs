// mutant: signal-listeners-detached
// area: SIGNAL-STORE
// breaks: signal listeners (process.on('SIGUSR2'), ...) run with no store instead of the store
//   of the signal handle's creation
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: als.run('s', () => process.once('SIGUSR2', () => console.log(als.getStore())));
// smoke: process.kill(process.pid, 'SIGUSR2');
// smoke: setTimeout(() => {}, 50);
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
  if (typeof type === 'string' && /^SIG[A-Z0-9]+$/.test(type)) {
    return detached(() => Reflect.apply(original, this, [type, ...args]));
  }
  return Reflect.apply(original, this, [type, ...args]);
};
