// mutant: eid-resource-fresh-object
// area: EID-RESOURCE
// breaks: executionAsyncResource() gives a new empty object on every call instead of the
//   current resource
// smoke: const ah = require('node:async_hooks');
// smoke: setTimeout(() => console.log(ah.executionAsyncResource() === ah.executionAsyncResource()), 1);
'use strict';

const asyncHooks = require('node:async_hooks');

asyncHooks.executionAsyncResource = function executionAsyncResource() {
  return {};
};

require('node:module').syncBuiltinESMExports();
