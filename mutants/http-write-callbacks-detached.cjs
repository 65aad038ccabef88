// mutant: http-write-callbacks-detached
// area: HTTP-CLIENT
// breaks: the callbacks of write() and end() on http requests and responses run with no store
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: const http = require('node:http');
// smoke: const s = http.createServer((q, r) => { q.resume(); r.end(); }).listen(0, () => als.run('w', () => { const q = http.request({ port: s.address().port, method: 'POST' }, (r) => { r.resume(); s.close(); }); q.write('x', () => console.log(als.getStore())); q.end(); }));
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

const { OutgoingMessage } = require('node:http');

for (const name of ['write', 'end']) {
  const original = OutgoingMessage.prototype[name];
  OutgoingMessage.prototype[name] = function (...args) {
    return Reflect.apply(original, this, loseLast(args));
  };
}
