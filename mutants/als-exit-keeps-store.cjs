// mutant: als-exit-keeps-store
// area: ALS-EXIT
// breaks: AsyncLocalStorage.prototype.exit() runs its callback with the store still entered
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: als.run('store', () => console.log(als.exit(() => als.getStore())));
'use strict';

const { AsyncLocalStorage } = require('node:async_hooks');

AsyncLocalStorage.prototype.exit = function exit(callback, ...args) {
  return callback(...args);
};
