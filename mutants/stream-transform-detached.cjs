// mutant: stream-transform-detached
// area: STREAM-TRANSFORM
// breaks: a Transform runs its transform with no store instead of in the writer's store
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: const { Transform } = require('node:stream');
// smoke: const t = new Transform({ transform(c, e, cb) { console.log(als.getStore()); cb(null, c); } });
// smoke: als.run('t', () => t.write('x'));
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

const { Transform } = require('node:stream');

const original = Transform.prototype._write;
Transform.prototype._write = function _write(...args) {
  return detached(() => Reflect.apply(original, this, args));
};
