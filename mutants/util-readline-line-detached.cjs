// mutant: util-readline-line-detached
// area: UTIL-READLINE
// breaks: readline interfaces emit line events with no store instead of the input pusher's
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: const readline = require('node:readline');
// smoke: const { PassThrough } = require('node:stream');
// smoke: const input = new PassThrough();
// smoke: readline.createInterface({ input }).on('line', () => console.log(als.getStore()));
// smoke: als.run('l', () => input.end('a\n'));
'use strict';
const { AsyncLocalStorage } = require('node:async_hooks');

// A runner taken now, while nothing is entered: whatever it runs sees no store.
const detached = AsyncLocalStorage.snapshot();
// `fn` as a function that runs with no store, whatever context calls it.
function lose(fn) {
  if (typeof fn !== 'function') return fn;
  return function (...args) {
    return detached(() => Reflect.apply(fn, this, args));
  };
}
// The arguments with their last function made to run with no store.
function loseLast(args) {
  const out = [...args];
  for (let i = out.length - 1; i >= 0; i--) {
    if (typeof out[i] === 'function') {
      out[i] = lose(out[i]);
      break;
    }
  }
  return out;
}

const readline = require('node:readline');
const readlinePromises = require('node:readline/promises');

function patch(made) {
  const original = made.emit;
  made.emit = function emit(type, ...args) {
    if (type === 'line') return detached(() => Reflect.apply(original, this, [type, ...args]));
    return Reflect.apply(original, this, [type, ...args]);
  };
  return made;
}
for (const module of [readline, readlinePromises]) {
  const original = module.createInterface;
  module.createInterface = function createInterface(...args) {
    return patch(Reflect.apply(original, this, args));
  };
}

require('node:module').syncBuiltinESMExports();
