// mutant: res-emit-destroy-noop
// area: RES-DESTROY
// breaks: AsyncResource.prototype.emitDestroy() runs no destroy hook
// smoke: const ah = require('node:async_hooks');
// smoke: ah.createHook({ destroy() { console.log('destroy'); } }).enable();
// smoke: new ah.AsyncResource('X').emitDestroy();
// smoke: setTimeout(() => {}, 5);
'use strict';

const { AsyncResource } = require('node:async_hooks');

AsyncResource.prototype.emitDestroy = function emitDestroy() {
  return this;
};
