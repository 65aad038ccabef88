// mutant: als-run-drops-store
// area: ALS-RUN
// breaks: AsyncLocalStorage.prototype.run() calls its callback without entering the store
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: console.log(als.run('store', () => als.getStore()));
'use strict';

const { AsyncLocalStorage } = require('node:async_hooks');

// run() still passes its arguments on and hands back the result; it never enters the store.
AsyncLocalStorage.prototype.run = function run(store, callback, ...args) {
  return callback(...args);
};
