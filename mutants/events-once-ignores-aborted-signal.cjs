// mutant: events-once-ignores-aborted-signal
// area: EVT-ONCE
// breaks: events.once() with an already aborted signal waits for the event instead of rejecting
//   at once
// smoke: const { once, EventEmitter } = require('node:events');
// smoke: once(new EventEmitter(), 'x', { signal: AbortSignal.abort() }).catch((e) => console.log(e.name));
'use strict';

const events = require('node:events');

const original = events.once;
events.once = function once(emitter, name, options) {
  if (options !== null && typeof options === 'object' && options.signal && options.signal.aborted) {
    const { signal, ...rest } = options;
    return Reflect.apply(original, this, [emitter, name, rest]);
  }
  return Reflect.apply(original, this, [emitter, name, options]);
};

require('node:module').syncBuiltinESMExports();
