// mutant: dns-lookup-detached
// area: DNS-LOOKUP
// breaks: dns.lookup() and dns.lookupService() callbacks run with no store
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: const dns = require('node:dns');
// smoke: als.run('d', () => dns.lookup('localhost', () => console.log(als.getStore())));
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

const dns = require('node:dns');

for (const name of ['lookup', 'lookupService']) {
  const original = dns[name];
  const patched = function (...args) {
    return Reflect.apply(original, this, loseLast(args));
  };
  Object.defineProperty(patched, 'name', { value: name });
  dns[name] = patched;
}

require('node:module').syncBuiltinESMExports();
