// mutant: als-path-emitter-resource-plain
// area: ALS-PATH
// breaks: EventEmitterAsyncResource listeners run in the context of emit() instead of the
//   emitter's construction context
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: const { EventEmitterAsyncResource } = require('node:events');
// smoke: const e = als.run('made', () => new EventEmitterAsyncResource({ name: 'E' }));
// smoke: e.on('x', () => console.log(als.getStore()));
// smoke: als.run('emit', () => e.emit('x'));
'use strict';

const { EventEmitter, EventEmitterAsyncResource } = require('node:events');

EventEmitterAsyncResource.prototype.emit = EventEmitter.prototype.emit;
