// mutant: res-scope-not-entered
// area: RES-SCOPE
// breaks: runInAsyncScope() calls the function without entering the resource: no before/after,
//   the caller's ids and stores
// smoke: const { AsyncResource, executionAsyncId, AsyncLocalStorage } = require('node:async_hooks');
// smoke: const r = new AsyncResource('X');
// smoke: console.log(r.runInAsyncScope(() => executionAsyncId()) === r.asyncId());
'use strict';

const { AsyncResource } = require('node:async_hooks');

AsyncResource.prototype.runInAsyncScope = function runInAsyncScope(fn, thisArg, ...args) {
  return Reflect.apply(fn, thisArg, args);
};
