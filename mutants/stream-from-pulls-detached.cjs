// mutant: stream-from-pulls-detached
// area: STREAM-FROM
// breaks: Readable.from() pulls from its iterable with no store instead of in the consumer's
//   store
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: const { Readable } = require('node:stream');
// smoke: async function* g() { console.log(als.getStore()); yield 'x'; }
// smoke: als.run('c', () => Readable.from(g()).resume());
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

const original = stream.Readable.from;
stream.Readable.from = function from(iterable, options) {
  const pullable = iterable !== null && typeof iterable === 'object' && typeof iterable !== 'string' && !Buffer.isBuffer(iterable);
  const method = pullable && (iterable[Symbol.asyncIterator] ? Symbol.asyncIterator : Symbol.iterator);
  if (!method || typeof iterable[method] !== 'function') return Reflect.apply(original, this, [iterable, options]);
  const wrapped = {
    [method]() {
      const inner = iterable[method]();
      const step = (name) => (...args) => detached(() => inner[name](...args));
      return {
        next: step('next'),
        return: inner.return ? step('return') : undefined,
        throw: inner.throw ? step('throw') : undefined,
      };
    },
  };
  return Reflect.apply(original, this, [wrapped, options]);
};
