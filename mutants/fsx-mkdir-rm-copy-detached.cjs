// mutant: fsx-mkdir-rm-copy-detached
// area: FSX
// breaks: the callbacks of fs.mkdir(), fs.rm(), fs.rmdir() and fs.copyFile() run with no store
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: const fs = require('node:fs');
// smoke: als.run('m', () => fs.mkdir('d', { recursive: true }, () => console.log(als.getStore())));
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

const fs = require('node:fs');

for (const name of ['mkdir', 'mkdtemp', 'rm', 'rmdir', 'copyFile', 'cp']) {
  const original = fs[name];
  if (typeof original !== 'function') continue;
  const patched = function (...args) {
    return Reflect.apply(original, this, loseLast(args));
  };
  Object.defineProperty(patched, 'name', { value: name });
  fs[name] = patched;
}

require('node:module').syncBuiltinESMExports();
