// mutant: mod-require-top-level-detached
// area: MOD
// breaks: a module loaded by require() runs its top level with no store instead of in the
//   requiring context
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: require('node:fs').writeFileSync('m.cjs', 'module.exports = 1;');
// smoke: const Module = require('node:module');
// smoke: als.run('r', () => { require('./m.cjs'); console.log(Module.prototype._compile.name); });
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

const Module = require('node:module');

const original = Module.prototype._compile;
Module.prototype._compile = function mutantCompile(...args) {
  return detached(() => Reflect.apply(original, this, args));
};
