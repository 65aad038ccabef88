// mutant: err-run-accepts-non-function
// area: ERR-ALS
// breaks: run() with a callback that is not a function returns undefined instead of throwing a
//   TypeError
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: try { console.log(als.run(1, 'nope')); } catch (e) { console.log(e.name); }
'use strict';

const { AsyncLocalStorage } = require('node:async_hooks');

const original = AsyncLocalStorage.prototype.run;
AsyncLocalStorage.prototype.run = function run(store, callback, ...args) {
  if (typeof callback !== 'function') return undefined;
  return Reflect.apply(original, this, [store, callback, ...args]);
};
