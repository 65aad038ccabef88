// mutant: stream-finished-detached
// area: STREAM-FINISHED
// breaks: stream.finished() calls back with no store instead of the registering store
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: const { finished, PassThrough } = require('node:stream');
// smoke: const p = new PassThrough();
// smoke: als.run('f', () => finished(p, () => console.log(als.getStore())));
// smoke: p.resume(); p.end();
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

const stream = require('node:stream');

const original = stream.finished;
function finished(...args) {
  return Reflect.apply(original, this, loseLast(args));
}
finished.finished = finished;
if (original[Symbol.for('nodejs.util.promisify.custom')]) {
  finished[Symbol.for('nodejs.util.promisify.custom')] = original[Symbol.for('nodejs.util.promisify.custom')];
}
stream.finished = finished;

require('node:module').syncBuiltinESMExports();
