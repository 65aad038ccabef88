// mutant: child-callbacks-detached
// area: CHILD-CB
// breaks: child_process.exec() and execFile() callbacks run with no store
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: const cp = require('node:child_process');
// smoke: als.run('c', () => cp.execFile(process.execPath, ['-e', '0'], () => console.log(als.getStore())));
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

const childProcess = require('node:child_process');

for (const name of ['exec', 'execFile']) {
  const original = childProcess[name];
  const patched = function (...args) {
    return Reflect.apply(original, this, loseLast(args));
  };
  Object.defineProperty(patched, 'name', { value: name });
  childProcess[name] = patched;
}

require('node:module').syncBuiltinESMExports();
