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
asyncHooks.AsyncLocalStorage = AsyncLocalStorage;

require('node:module').syncBuiltinESMExports();
