// mutant: als-path-abort-signal-timeout
// area: ALS-PATH
// breaks: AbortSignal.timeout() aborts with no store instead of in its creation context
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: als.run('s', () => AbortSignal.timeout(1).addEventListener('abort', () => console.log(als.getStore())));
// smoke: setTimeout(() => {}, 50);
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

AbortSignal.timeout = function timeout(delay) {
  const controller = new AbortController();
  detached(() => {
    const timer = setTimeout(() => {
      controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    }, delay);
    timer.unref();
  });
  return controller.signal;
};
