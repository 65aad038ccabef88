// mutant: lang-disposable-stack-detached
// area: LANG-ERM
// breaks: callbacks given to DisposableStack and AsyncDisposableStack defer() and adopt() run
//   with no store
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: const s = new DisposableStack();
// smoke: s.defer(() => console.log(als.getStore()));
// smoke: als.run('d', () => s.dispose());
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

for (const Stack of [globalThis.DisposableStack, globalThis.AsyncDisposableStack]) {
  if (typeof Stack !== 'function') continue;
  const defer = Stack.prototype.defer;
  Stack.prototype.defer = function (onDispose) {
    return Reflect.apply(defer, this, [lose(onDispose)]);
  };
  const adopt = Stack.prototype.adopt;
  Stack.prototype.adopt = function (value, onDispose) {
    return Reflect.apply(adopt, this, [value, lose(onDispose)]);
  };
}
