// mutant: net-client-events-detached
// area: NET-CLIENT
// breaks: a client socket's connect, data, end and close events run with no store instead of
//   the connect() store
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: const net = require('node:net');
// smoke: const s = net.createServer((c) => c.end('x')).listen(0, () => als.run('c', () => net.connect(s.address().port, function () { console.log(als.getStore()); this.resume(); this.on('close', () => s.close()); })));
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

const proto = net.Socket.prototype;
const original = proto.emit;
const events = new Set(['connect', 'ready', 'data', 'end', 'close', 'error']);
proto.emit = function emit(type, ...args) {
  if (events.has(type)) return detached(() => Reflect.apply(original, this, [type, ...args]));
  return Reflect.apply(original, this, [type, ...args]);
};
