// mutant: hooks-never-promise-resolve
// area: HOOK-PROMISE
// breaks: createHook() hooks never get promiseResolve callbacks
// smoke: const ah = require('node:async_hooks');
// smoke: let n = 0;
// smoke: const h = ah.createHook({ promiseResolve() { n++; } }).enable();
// smoke: Promise.resolve(1).then(() => { h.disable(); console.log(n > 0); });
'use strict';

const asyncHooks = require('node:async_hooks');

const original = asyncHooks.createHook;
asyncHooks.createHook = function createHook(callbacks) {
  if (callbacks === null || typeof callbacks !== 'object') return original(callbacks);
  return original(Object.create(callbacks, { promiseResolve: { value: undefined } }));
};

require('node:module').syncBuiltinESMExports();
