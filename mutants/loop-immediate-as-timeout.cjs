// mutant: loop-immediate-as-timeout
// area: LOOP-IMMEDIATE
// breaks: setImmediate() schedules a 0 ms timer, so an immediate no longer runs in the check
//   phase
// smoke: const fs = require('node:fs');
// smoke: fs.stat('.', () => { setTimeout(() => console.log('timeout'), 0); setImmediate(() => console.log('immediate')); });
'use strict';

const timers = require('node:timers');

const setTimeoutOriginal = globalThis.setTimeout;
const clearTimeoutOriginal = globalThis.clearTimeout;
const clearImmediateOriginal = globalThis.clearImmediate;
function setImmediate(callback, ...args) {
  if (typeof callback !== 'function') throw new TypeError('The "callback" argument must be of type function');
  return setTimeoutOriginal(callback, 0, ...args);
}
function clearImmediate(handle) {
  if (handle instanceof Object && typeof handle.refresh === 'function') return clearTimeoutOriginal(handle);
  return clearImmediateOriginal(handle);
}
globalThis.setImmediate = setImmediate;
globalThis.clearImmediate = clearImmediate;
timers.setImmediate = setImmediate;
timers.clearImmediate = clearImmediate;

require('node:module').syncBuiltinESMExports();
