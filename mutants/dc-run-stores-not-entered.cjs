// mutant: dc-run-stores-not-entered
// area: DC-STORE
// breaks: channel.runStores() publishes and calls its function without entering the bound
//   stores
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: const dc = require('node:diagnostics_channel');
// smoke: const ch = dc.channel('s');
// smoke: ch.bindStore(als, (d) => d);
// smoke: console.log(ch.runStores('bound', () => als.getStore()));
'use strict';

const dc = require('node:diagnostics_channel');

function runStores(data, fn, thisArg, ...args) {
  this.publish(data);
  return Reflect.apply(fn, thisArg, args);
}
const probe = dc.channel('mutant:probe');
const inactive = Object.getPrototypeOf(probe);
const subscriber = () => {};
probe.subscribe(subscriber);
const active = Object.getPrototypeOf(probe);
probe.unsubscribe(subscriber);
active.runStores = runStores;
if (inactive !== active) inactive.runStores = runStores;
