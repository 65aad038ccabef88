// mutant: http-client-response-detached
// area: HTTP-CLIENT
// breaks: an http client's response event runs with no store instead of the request's
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: const http = require('node:http');
// smoke: const s = http.createServer((q, r) => r.end('x')).listen(0, () => als.run('req', () => http.get({ port: s.address().port }, (r) => { console.log(als.getStore()); r.resume(); s.close(); })));
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

const proto = http.ClientRequest.prototype;
const original = proto.emit;
const events = new Set(['response']);
proto.emit = function emit(type, ...args) {
  if (events.has(type)) return detached(() => Reflect.apply(original, this, [type, ...args]));
  return Reflect.apply(original, this, [type, ...args]);
};
