// mutant: crypto-callbacks-detached
// area: CRYPTO-CB
// breaks: the callbacks of crypto's asynchronous jobs (randomBytes, randomFill, pbkdf2, scrypt,
//   ...) run with no store
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: const crypto = require('node:crypto');
// smoke: als.run('c', () => crypto.randomBytes(4, () => console.log(als.getStore())));
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

const crypto = require('node:crypto');

const names = [
  'randomBytes', 'pseudoRandomBytes', 'randomFill', 'randomInt', 'pbkdf2', 'scrypt',
  'hkdf', 'generateKeyPair', 'generateKey', 'generatePrime', 'checkPrime',
];
for (const name of names) {
  const original = crypto[name];
  if (typeof original !== 'function') continue;
  const patched = function (...args) {
    return Reflect.apply(original, this, loseLast(args));
  };
  Object.defineProperty(patched, 'name', { value: name });
  crypto[name] = patched;
}

require('node:module').syncBuiltinESMExports();
