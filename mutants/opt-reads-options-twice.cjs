// mutant: opt-reads-options-twice
// area: OPT
// breaks: the AsyncLocalStorage constructor reads its options one extra time before reading
//   them as usual
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: let reads = 0;
// smoke: new AsyncLocalStorage({ get name() { reads++; return 'n'; } });
// smoke: console.log(reads);
'use strict';

const asyncHooks = require('node:async_hooks');

const Original = asyncHooks.AsyncLocalStorage;
class AsyncLocalStorage extends Original {
  constructor(options) {
    if (options !== null && typeof options === 'object') {
      void options.defaultValue;
      void options.name;
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
