// mutant: hooks-only-first-enabled
// area: HOOK-MULTI
// breaks: once one hook is enabled, enabling another does nothing: only the first hook sees
//   events
// smoke: const ah = require('node:async_hooks');
// smoke: const seen = [];
// smoke: ah.createHook({ init() { seen.push('a'); } }).enable();
// smoke: ah.createHook({ init() { seen.push('b'); } }).enable();
// smoke: setTimeout(() => console.log(seen.join()), 1);
'use strict';

const { createHook } = require('node:async_hooks');

const proto = Object.getPrototypeOf(createHook({}));
const enable = proto.enable;
const disable = proto.disable;
const enabled = new Set();
proto.enable = function () {
  if (enabled.size > 0 && !enabled.has(this)) return this;
  enabled.add(this);
  return Reflect.apply(enable, this, []);
};
proto.disable = function () {
  enabled.delete(this);
  return Reflect.apply(disable, this, []);
};
