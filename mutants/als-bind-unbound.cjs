// mutant: als-bind-unbound
// area: ALS-BIND
// breaks: AsyncLocalStorage.bind() hands the function back unbound, so it runs in its caller's
//   context
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: const f = als.run('bound', () => AsyncLocalStorage.bind(() => als.getStore()));
// smoke: console.log(f());
'use strict';

const { AsyncLocalStorage } = require('node:async_hooks');

AsyncLocalStorage.bind = function bind(fn) {
  if (typeof fn !== 'function') throw new TypeError('The "fn" argument must be of type function');
  return fn;
};
