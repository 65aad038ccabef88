// mutant: http-agent-socket-keeps-first-store
// area: HTTP-AGENT
// breaks: a keep-alive socket reused for a later request delivers that request's response in
//   the context of the socket's first request
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: const http = require('node:http');
// smoke: const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
// smoke: const s = http.createServer((q, r) => r.end('x')).listen(0, () => {
// smoke:   const get = (n, then) => als.run(n, () => http.get({ port: s.address().port, agent }, (r) => { console.log(als.getStore()); r.resume(); r.on('end', then); }));
// smoke:   get('first', () => setImmediate(() => get('second', () => { agent.destroy(); s.close(); })));
// smoke: });
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

const http = require('node:http');

const first = Symbol('first request context');
const onSocket = http.ClientRequest.prototype.onSocket;
http.ClientRequest.prototype.onSocket = function (socket, err) {
  if (socket && !socket[first]) socket[first] = AsyncLocalStorage.snapshot();
  return Reflect.apply(onSocket, this, [socket, err]);
};
const emit = http.ClientRequest.prototype.emit;
http.ClientRequest.prototype.emit = function (type, ...args) {
  const pinned = type === 'response' && this.socket && this.socket[first];
  if (pinned) return pinned(() => Reflect.apply(emit, this, [type, ...args]));
  return Reflect.apply(emit, this, [type, ...args]);
};
