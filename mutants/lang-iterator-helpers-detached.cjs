// mutant: lang-iterator-helpers-detached
// area: LANG-ITER
// breaks: iterator helpers (map, filter, forEach, ...) call their callbacks with no store
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: als.run('i', () => [1].values().map((x) => console.log(als.getStore())).toArray());
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

const proto = Iterator.prototype;
for (const name of ['map', 'filter', 'flatMap', 'forEach', 'some', 'every', 'find', 'reduce']) {
  const original = proto[name];
  if (typeof original !== 'function') continue;
  const patched = {
    [name](fn, ...rest) {
      return Reflect.apply(original, this, [lose(fn), ...rest]);
    },
  }[name];
  proto[name] = patched;
}
