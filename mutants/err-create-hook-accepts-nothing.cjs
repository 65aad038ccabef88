// mutant: err-create-hook-accepts-nothing
// area: ERR-HOOK
// breaks: createHook() with no argument (or null) makes a hook without callbacks instead of
//   throwing
// smoke: const ah = require('node:async_hooks');
// smoke: try { ah.createHook(); console.log('made'); } catch (e) { console.log(e.code); }
'use strict';

const asyncHooks = require('node:async_hooks');

const original = asyncHooks.createHook;
asyncHooks.createHook = function createHook(callbacks) {
  return original(callbacks == null ? {} : callbacks);
};

require('node:module').syncBuiltinESMExports();
