// mutant: zlib-stream-events-detached
// area: ZLIB-STREAM
// breaks: zlib stream engines emit data, end, finish and close with no store instead of their
//   creator's
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: const zlib = require('node:zlib');
// smoke: als.run('z', () => { const g = zlib.createGzip(); g.on('data', () => console.log(als.getStore())); g.end('x'); });
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

const zlib = require('node:zlib');

// Every engine class shares the base just below its own prototype.
const base = Object.getPrototypeOf(Object.getPrototypeOf(zlib.Gzip.prototype));
const original = base.emit;
const events = new Set(['data', 'end', 'finish', 'close', 'error']);
base.emit = function emit(type, ...args) {
  if (events.has(type)) return detached(() => Reflect.apply(original, this, [type, ...args]));
  return Reflect.apply(original, this, [type, ...args]);
};
