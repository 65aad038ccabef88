// mutant: meta-run-length
// area: META
// breaks: AsyncLocalStorage.prototype.run has length 0 and another name, though it behaves the
//   same
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: console.log(AsyncLocalStorage.prototype.run.length);
'use strict';

const { AsyncLocalStorage } = require('node:async_hooks');

const original = AsyncLocalStorage.prototype.run;
AsyncLocalStorage.prototype.run = function mutantRun(...args) {
  return Reflect.apply(original, this, args);
};
