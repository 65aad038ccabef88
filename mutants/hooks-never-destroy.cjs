// mutant: hooks-never-destroy
// area: HOOK-LIFE
// breaks: createHook() hooks never get destroy callbacks
// smoke: const ah = require('node:async_hooks');
// smoke: ah.createHook({ destroy() { require('node:fs').writeSync(1, 'destroy\n'); } }).enable();
// smoke: setTimeout(() => {}, 1);
// smoke: setTimeout(() => console.log('done'), 5);
'use strict';

const asyncHooks = require('node:async_hooks');

const original = asyncHooks.createHook;
asyncHooks.createHook = function createHook(callbacks) {
  if (callbacks === null || typeof callbacks !== 'object') return original(callbacks);
  // The other callbacks are read through the prototype chain; destroy is hidden.
  return original(Object.create(callbacks, { destroy: { value: undefined } }));
};

require('node:module').syncBuiltinESMExports();
