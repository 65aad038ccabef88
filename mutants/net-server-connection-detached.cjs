// mutant: net-server-connection-detached
// area: NET-SERVER
// breaks: a net server's connection listeners run with no store instead of in the listen()
//   context
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: const net = require('node:net');
// smoke: als.run('l', () => { const s = net.createServer((c) => { console.log(als.getStore()); c.destroy(); s.close(); }).listen(0, () => net.connect(s.address().port).on('error', () => {})); });
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

const proto = net.Server.prototype;
const original = proto.emit;
const events = new Set(['connection']);
proto.emit = function emit(type, ...args) {
  if (events.has(type)) return detached(() => Reflect.apply(original, this, [type, ...args]));
  return Reflect.apply(original, this, [type, ...args]);
};
