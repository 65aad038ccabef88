// mutant: als-enter-with-ignored
// area: ALS-ENTER
// breaks: AsyncLocalStorage.prototype.enterWith() does nothing
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: als.enterWith('entered');
// smoke: console.log(als.getStore());
'use strict';

const { AsyncLocalStorage } = require('node:async_hooks');

AsyncLocalStorage.prototype.enterWith = function enterWith(store) {};
