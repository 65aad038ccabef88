// mutant: eid-execution-off-by-one
// area: EID
// breaks: executionAsyncId() reports one more than the current execution's id
// smoke: const ah = require('node:async_hooks');
// smoke: console.log(ah.executionAsyncId());
'use strict';

const asyncHooks = require('node:async_hooks');

const original = asyncHooks.executionAsyncId;
asyncHooks.executionAsyncId = function executionAsyncId() {
  return original() + 1;
};

require('node:module').syncBuiltinESMExports();
