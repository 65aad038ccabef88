// mutant: net-timeout-detached
// area: NET-TIMEOUT
// breaks: a socket's timeout event and the callback of socket.setTimeout() run with no store
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: const net = require('node:net');
// smoke: const s = net.createServer(() => {}).listen(0, () => { const c = net.connect(s.address().port); als.run('t', () => c.setTimeout(5, () => { console.log(als.getStore()); c.destroy(); s.close(); })); });
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

const net = require('node:net');

const original = net.Socket.prototype.setTimeout;
net.Socket.prototype.setTimeout = function setTimeout(...args) {
  return Reflect.apply(original, this, loseLast(args));
};
const emit = net.Socket.prototype.emit;
net.Socket.prototype.emit = function (type, ...args) {
  if (type === 'timeout') return detached(() => Reflect.apply(emit, this, [type, ...args]));
  return Reflect.apply(emit, this, [type, ...args]);
};
