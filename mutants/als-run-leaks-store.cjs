// mutant: als-run-leaks-store
// area: ALS-RUN
// breaks: run() enters its store with enterWith() and so leaves it entered after the callback
//   returns
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: als.run('inner', () => {});
// smoke: console.log(als.getStore());
'use strict';

const { AsyncLocalStorage } = require('node:async_hooks');

AsyncLocalStorage.prototype.run = function run(store, callback, ...args) {
  this.enterWith(store);
  return callback(...args);
};
