// mutant: loop-tick-as-microtask
// area: LOOP-TICK
// breaks: process.nextTick() queues its callback as a microtask, so ticks no longer run before
//   promise jobs
// smoke: Promise.resolve().then(() => console.log('promise'));
// smoke: process.nextTick(() => console.log('tick'));
'use strict';

process.nextTick = function nextTick(callback, ...args) {
  if (typeof callback !== 'function') throw new TypeError('The "callback" argument must be of type function');
  queueMicrotask(() => Reflect.apply(callback, undefined, args));
};
