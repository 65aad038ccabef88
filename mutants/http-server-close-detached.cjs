// mutant: http-server-close-detached
// area: HTTP-SERVER
// breaks: the callback of an http server's close() runs with no store
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: const http = require('node:http');
// smoke: const s = http.createServer().listen(0, () => als.run('c', () => s.close(() => console.log(als.getStore()))));
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

const original = http.Server.prototype.close;
http.Server.prototype.close = function close(...args) {
  return Reflect.apply(original, this, loseLast(args));
};
