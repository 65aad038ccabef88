// mutant: loop-timers-out-of-order
// area: LOOP-TIMER
// breaks: timers due together no longer fire in creation order: every second timer is delayed
//   by 2 ms
// smoke: setTimeout(() => console.log('a'), 0);
// smoke: setTimeout(() => console.log('b'), 0);
// smoke: setTimeout(() => console.log('c'), 0);
'use strict';

const timers = require('node:timers');

const original = globalThis.setTimeout;
let made = 0;
function setTimeout(callback, delay, ...args) {
  made += 1;
  const late = made % 2 === 0 ? 2 : 0;
  return Reflect.apply(original, this, [callback, (Number(delay) || 0) + late, ...args]);
}
globalThis.setTimeout = setTimeout;
timers.setTimeout = setTimeout;

require('node:module').syncBuiltinESMExports();
