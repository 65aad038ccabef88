// mutant: stream-write-callbacks-detached
// area: STREAM-WRITE
// breaks: the callbacks of Writable write() and end() run with no store
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: const { Writable } = require('node:stream');
// smoke: const w = new Writable({ write(c, e, cb) { setImmediate(cb); } });
// smoke: als.run('w', () => w.write('x', () => console.log(als.getStore())));
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

const { Writable } = require('node:stream');

for (const name of ['write', 'end']) {
  const original = Writable.prototype[name];
  Writable.prototype[name] = function (...args) {
    return Reflect.apply(original, this, loseLast(args));
  };
}
