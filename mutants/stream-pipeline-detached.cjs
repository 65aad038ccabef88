// mutant: stream-pipeline-detached
// area: STREAM-PIPELINE
// breaks: stream.pipeline() calls back with no store instead of the builder's
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: const { pipeline, Readable, PassThrough } = require('node:stream');
// smoke: als.run('p', () => pipeline(Readable.from(['x']), new PassThrough().resume(), () => console.log(als.getStore())));
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

const original = stream.pipeline;
function pipeline(...args) {
  return Reflect.apply(original, this, loseLast(args));
}
if (original[Symbol.for('nodejs.util.promisify.custom')]) {
  pipeline[Symbol.for('nodejs.util.promisify.custom')] = original[Symbol.for('nodejs.util.promisify.custom')];
}
stream.pipeline = pipeline;

require('node:module').syncBuiltinESMExports();
