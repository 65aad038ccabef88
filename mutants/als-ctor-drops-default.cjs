// mutant: als-ctor-drops-default
// area: ALS-CTOR
// breaks: the AsyncLocalStorage constructor ignores the defaultValue option
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: console.log(new AsyncLocalStorage({ defaultValue: 'd' }).getStore());
'use strict';

const asyncHooks = require('node:async_hooks');

const Original = asyncHooks.AsyncLocalStorage;
class AsyncLocalStorage extends Original {
  constructor(options) {
    if (options !== null && typeof options === 'object' && 'defaultValue' in options) {
      const { defaultValue, ...rest } = options;
      options = rest;
    }
    super(options);
  }
}
// The export is a getter; a data property of the same shape takes its place.
Object.defineProperty(asyncHooks, 'AsyncLocalStorage', {
  value: AsyncLocalStorage,
  enumerable: true,
  configurable: true,
  writable: true,
});

require('node:module').syncBuiltinESMExports();
