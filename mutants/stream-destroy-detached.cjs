// mutant: stream-destroy-detached
// area: STREAM-DESTROY
// breaks: destroy() on a stream runs with no store, so its error and close events lose the
//   destroyer's store
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: const { PassThrough } = require('node:stream');
// smoke: const p = new PassThrough();
// smoke: p.on('close', () => console.log(als.getStore()));
// smoke: als.run('d', () => p.destroy());
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

const { Duplex, Readable, Writable } = require('node:stream');

for (const Class of [Readable, Writable, Duplex]) {
  if (!Object.hasOwn(Class.prototype, 'destroy')) continue;
  const original = Class.prototype.destroy;
  Class.prototype.destroy = function destroy(...args) {
    return detached(() => Reflect.apply(original, this, args));
  };
}
