// mutant: res-ignores-trigger-option
// area: RES-INIT
// breaks: the AsyncResource constructor ignores the triggerAsyncId option, so the caller is
//   always the trigger
// smoke: const { AsyncResource } = require('node:async_hooks');
// smoke: console.log(new AsyncResource('X', { triggerAsyncId: 42 }).triggerAsyncId());
'use strict';

const asyncHooks = require('node:async_hooks');

const Original = asyncHooks.AsyncResource;
class AsyncResource extends Original {
  constructor(type, options) {
    if (typeof options === 'number') {
      options = {};
    } else if (options !== null && typeof options === 'object' && 'triggerAsyncId' in options) {
      const { triggerAsyncId, ...rest } = options;
      options = rest;
    }
    super(type, options);
  }
}
asyncHooks.AsyncResource = AsyncResource;

require('node:module').syncBuiltinESMExports();
