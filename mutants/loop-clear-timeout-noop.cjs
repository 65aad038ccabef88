// mutant: loop-clear-timeout-noop
// area: LOOP-TIMER
// breaks: clearTimeout() does not cancel the timer
// smoke: const t = setTimeout(() => console.log('ran'), 1);
// smoke: clearTimeout(t);
'use strict';

const timers = require('node:timers');

function clearTimeout(timer) {}
globalThis.clearTimeout = clearTimeout;
timers.clearTimeout = clearTimeout;

require('node:module').syncBuiltinESMExports();
