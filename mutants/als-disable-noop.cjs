// mutant: als-disable-noop
// area: ALS-DISABLE
// breaks: AsyncLocalStorage.prototype.disable() neither clears the store nor stops the instance
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: als.enterWith('x');
// smoke: als.disable();
// smoke: console.log(als.getStore());
'use strict';

const { AsyncLocalStorage } = require('node:async_hooks');

AsyncLocalStorage.prototype.disable = function disable() {};
