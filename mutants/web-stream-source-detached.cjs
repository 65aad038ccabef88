// mutant: web-stream-source-detached
// area: WEB-STREAM
// breaks: a ReadableStream's underlying source start() and pull() run with no store
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: als.run('r', () => new ReadableStream({ start() { console.log(als.getStore()); } }));
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

const streamWeb = require('node:stream/web');

const Original = globalThis.ReadableStream;
function detachSource(source) {
  if (source === null || typeof source !== 'object') return source;
  const wrapped = Object.create(source);
  for (const name of ['start', 'pull']) {
    if (typeof source[name] === 'function') wrapped[name] = lose(source[name]);
  }
  return wrapped;
}
class ReadableStream extends Original {
  constructor(source, strategy) {
    super(detachSource(source), strategy);
  }
}
globalThis.ReadableStream = ReadableStream;
streamWeb.ReadableStream = ReadableStream;

require('node:module').syncBuiltinESMExports();
