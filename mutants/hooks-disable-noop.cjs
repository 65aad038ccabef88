// mutant: hooks-disable-noop
// area: HOOK-DISABLE
// breaks: AsyncHook.prototype.disable() leaves the hook enabled
// smoke: const ah = require('node:async_hooks');
// smoke: let n = 0;
// smoke: const h = ah.createHook({ init() { n++; } }).enable();
// smoke: h.disable();
// smoke: setTimeout(() => console.log(n), 1);
'use strict';

const { createHook } = require('node:async_hooks');

const proto = Object.getPrototypeOf(createHook({}));
proto.disable = function disable() {
  return this;
};
