// mutant: res-bind-unbound
// area: RES-BIND
// breaks: AsyncResource.bind() hands the function back with no resource around it, so it runs
//   in its caller's context
// smoke: const { AsyncResource, executionAsyncId, AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: const f = als.run('bound', () => AsyncResource.bind(() => als.getStore()));
// smoke: console.log(f());
'use strict';

const { AsyncResource } = require('node:async_hooks');

AsyncResource.bind = function bind(fn, type, thisArg) {
  if (typeof fn !== 'function') throw new TypeError('The "fn" argument must be of type function');
  return thisArg === undefined ? fn : fn.bind(thisArg);
};
