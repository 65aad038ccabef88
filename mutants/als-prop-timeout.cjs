// mutant: als-prop-timeout
// area: ALS-PROP
// breaks: setTimeout() callbacks run with no store instead of the store of the setTimeout()
//   call
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: als.run('s', () => setTimeout(() => console.log(als.getStore()), 1));
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

const timers = require('node:timers');

const original = globalThis.setTimeout;
function setTimeout(callback, ...rest) {
  return Reflect.apply(original, this, [lose(callback), ...rest]);
}
globalThis.setTimeout = setTimeout;
timers.setTimeout = setTimeout;

require('node:module').syncBuiltinESMExports();
