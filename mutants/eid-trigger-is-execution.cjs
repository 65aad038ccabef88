// mutant: eid-trigger-is-execution
// area: EID-TRIGGER
// breaks: triggerAsyncId() reports the current execution's own id instead of the id of what
//   scheduled it
// smoke: const ah = require('node:async_hooks');
// smoke: setTimeout(() => console.log(ah.triggerAsyncId() === ah.executionAsyncId()), 1);
'use strict';

const asyncHooks = require('node:async_hooks');

asyncHooks.triggerAsyncId = function triggerAsyncId() {
  return asyncHooks.executionAsyncId();
};

require('node:module').syncBuiltinESMExports();
