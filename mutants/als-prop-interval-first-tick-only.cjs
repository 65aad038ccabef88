// mutant: als-prop-interval-first-tick-only
// area: ALS-PROP
// breaks: a setInterval() callback keeps the store on its first run only; later runs have no
//   store
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: let n = 0;
// smoke: als.run('s', () => { const t = setInterval(() => { console.log(als.getStore()); if (++n === 2) clearInterval(t); }, 1); });
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

const original = globalThis.setInterval;
function setInterval(callback, ...rest) {
  if (typeof callback !== 'function') return Reflect.apply(original, this, [callback, ...rest]);
  let runs = 0;
  const later = lose(callback);
  function tick(...args) {
    runs += 1;
    return runs === 1 ? Reflect.apply(callback, this, args) : Reflect.apply(later, this, args);
  }
  return Reflect.apply(original, this, [tick, ...rest]);
}
globalThis.setInterval = setInterval;
timers.setInterval = setInterval;

require('node:module').syncBuiltinESMExports();
