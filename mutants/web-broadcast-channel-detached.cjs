// mutant: web-broadcast-channel-detached
// area: WEB-BC
// breaks: a BroadcastChannel is made with no store, so its listeners run with no store instead
//   of the creation store
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: const a = als.run('b', () => new BroadcastChannel('c'));
// smoke: const b = new BroadcastChannel('c');
// smoke: a.onmessage = () => { console.log(als.getStore()); a.close(); b.close(); };
// smoke: b.postMessage(1);
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

const workerThreads = require('node:worker_threads');

const Original = globalThis.BroadcastChannel;
class BroadcastChannel {
  constructor(name) {
    return detached(() => new Original(name));
  }
}
Object.setPrototypeOf(BroadcastChannel.prototype, Original.prototype);
globalThis.BroadcastChannel = BroadcastChannel;
workerThreads.BroadcastChannel = BroadcastChannel;

require('node:module').syncBuiltinESMExports();
