// mutant: scale-many-stores-forget
// area: SCALE
// breaks: AsyncLocalStorage instances made after the 64th never find their store
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const all = Array.from({ length: 100 }, () => new AsyncLocalStorage());
// smoke: console.log(all[99].run(1, () => all[99].getStore()));
'use strict';

const asyncHooks = require('node:async_hooks');

const Original = asyncHooks.AsyncLocalStorage;
let made = 0;
const forgetful = new WeakSet();
class AsyncLocalStorage extends Original {
  constructor(options) {
    super(options);
    made += 1;
    if (made > 64) forgetful.add(this);
  }

  getStore() {
    return forgetful.has(this) ? undefined : super.getStore();
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
