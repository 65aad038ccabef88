// mutant: prov-table-missing-entry
// area: PROV
// breaks: async_hooks.asyncWrapProviders lacks its last provider, so the table is not Node 26's
// smoke: const { asyncWrapProviders } = require('node:async_hooks');
// smoke: console.log(Object.keys(asyncWrapProviders).length);
'use strict';

const asyncHooks = require('node:async_hooks');

const entries = Object.entries(asyncHooks.asyncWrapProviders);
const table = Object.freeze({ __proto__: null, ...Object.fromEntries(entries.slice(0, -1)) });
Object.defineProperty(asyncHooks, 'asyncWrapProviders', {
  value: table,
  enumerable: true,
  configurable: true,
  writable: true,
});

require('node:module').syncBuiltinESMExports();
