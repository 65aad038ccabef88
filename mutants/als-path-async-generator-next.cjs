// mutant: als-path-async-generator-next
// area: ALS-PATH
// breaks: an async generator resumes with no store, not in the context of each next() call
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: async function* g() { yield als.getStore(); }
// smoke: als.run('s', async () => { for await (const v of g()) console.log(v); });
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

// %AsyncGeneratorPrototype%, which every async generator object inherits next() from.
const proto = Object.getPrototypeOf(async function* () {}).prototype;
const original = proto.next;
proto.next = function next(...args) {
  return detached(() => Reflect.apply(original, this, args));
};
