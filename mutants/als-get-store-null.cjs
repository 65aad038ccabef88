// mutant: als-get-store-null
// area: ALS-GET
// breaks: getStore() gives null instead of undefined where no store is entered
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: console.log(als.getStore());
'use strict';

const { AsyncLocalStorage } = require('node:async_hooks');

const original = AsyncLocalStorage.prototype.getStore;
AsyncLocalStorage.prototype.getStore = function getStore() {
  const store = Reflect.apply(original, this, []);
  return store === undefined ? null : store;
};
