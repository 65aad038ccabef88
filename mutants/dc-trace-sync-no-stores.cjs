// mutant: dc-trace-sync-no-stores
// area: DC-TRACE
// breaks: tracingChannel.traceSync() publishes its events but runs the function without
//   entering the start channel's stores
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: const dc = require('node:diagnostics_channel');
// smoke: const tc = dc.tracingChannel('t');
// smoke: tc.start.bindStore(als, () => 'span');
// smoke: console.log(tc.traceSync(() => als.getStore(), {}));
'use strict';

const dc = require('node:diagnostics_channel');

const proto = Object.getPrototypeOf(dc.tracingChannel('mutant:probe'));
proto.traceSync = function traceSync(fn, context = {}, thisArg, ...args) {
  if (!this.hasSubscribers) return Reflect.apply(fn, thisArg, args);
  this.start.publish(context);
  try {
    const result = Reflect.apply(fn, thisArg, args);
    context.result = result;
    return result;
  } catch (err) {
    context.error = err;
    this.error.publish(context);
    throw err;
  } finally {
    this.end.publish(context);
  }
};
