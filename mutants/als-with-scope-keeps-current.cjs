// mutant: als-with-scope-keeps-current
// area: ALS-SCOPE
// breaks: withScope(store) opens a scope on the current store instead of the one given
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: const scope = als.withScope('scoped');
// smoke: console.log(als.getStore());
// smoke: scope[Symbol.dispose]();
'use strict';

const { AsyncLocalStorage } = require('node:async_hooks');

const original = AsyncLocalStorage.prototype.withScope;
AsyncLocalStorage.prototype.withScope = function withScope(store) {
  return Reflect.apply(original, this, [this.getStore()]);
};
