// mutant: web-message-channel-detached
// area: WEB-MSG
// breaks: a MessageChannel is made with no store, so its ports deliver messages with no store
//   instead of the creation store
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: const { port1, port2 } = als.run('m', () => new MessageChannel());
// smoke: port1.on('message', () => { console.log(als.getStore()); port1.close(); });
// smoke: port2.postMessage(1);
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

const Original = globalThis.MessageChannel;
class MessageChannel {
  constructor() {
    return detached(() => new Original());
  }
}
Object.setPrototypeOf(MessageChannel.prototype, Original.prototype);
globalThis.MessageChannel = MessageChannel;
workerThreads.MessageChannel = MessageChannel;

require('node:module').syncBuiltinESMExports();
