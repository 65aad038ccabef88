// mutant: hooks-enable-returns-nothing
// area: HOOK-ENABLE
// breaks: AsyncHook.prototype.enable() returns undefined instead of the hook
// smoke: const ah = require('node:async_hooks');
// smoke: const h = ah.createHook({});
// smoke: console.log(h.enable() === h);
// smoke: h.disable();
'use strict';

const { createHook } = require('node:async_hooks');

const proto = Object.getPrototypeOf(createHook({}));
const original = proto.enable;
proto.enable = function enable() {
  Reflect.apply(original, this, []);
};
