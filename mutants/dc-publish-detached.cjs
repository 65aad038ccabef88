// mutant: dc-publish-detached
// area: DC-PUB
// breaks: diagnostics_channel subscribers run with no store instead of inside publish() in the
//   publisher's context
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: const dc = require('node:diagnostics_channel');
// smoke: dc.subscribe('m', () => console.log(als.getStore()));
// smoke: als.run('p', () => dc.channel('m').publish(1));
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

const dc = require('node:diagnostics_channel');

// A channel with a subscriber has the active prototype; find it on a channel of our own.
const probe = dc.channel('mutant:probe');
const subscriber = () => {};
probe.subscribe(subscriber);
const active = Object.getPrototypeOf(probe);
probe.unsubscribe(subscriber);
const original = active.publish;
active.publish = function publish(...args) {
  return detached(() => Reflect.apply(original, this, args));
};
