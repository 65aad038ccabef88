// mutant: net-write-callbacks-detached
// area: NET-WRITE
// breaks: the callbacks of socket.write() and socket.end() run with no store
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: const net = require('node:net');
// smoke: const s = net.createServer((c) => c.resume()).listen(0, () => { const c = net.connect(s.address().port, () => als.run('w', () => c.end('x', () => { console.log(als.getStore()); s.close(); }))); });
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

for (const name of ['write', 'end']) {
  const original = net.Socket.prototype[name];
  net.Socket.prototype[name] = function (...args) {
    return Reflect.apply(original, this, loseLast(args));
  };
}
