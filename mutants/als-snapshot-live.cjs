// mutant: als-snapshot-live
// area: ALS-SNAPSHOT
// breaks: AsyncLocalStorage.snapshot() gives a runner that runs its function in the caller's
//   current context instead of the captured one
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: const run = als.run('taken', () => AsyncLocalStorage.snapshot());
// smoke: console.log(run(() => als.getStore()));
'use strict';

const { AsyncLocalStorage } = require('node:async_hooks');

AsyncLocalStorage.snapshot = function snapshot() {
  return function runInAsyncScope(fn, ...args) {
    return Reflect.apply(fn, null, args);
  };
};
