// mutant: meta-recv-run-this-instance
// area: META-RECV
// breaks: run() and exit() call their callback with the instance as this instead of undefined
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: als.run(1, function () { console.log(this === als); });
'use strict';

const { AsyncLocalStorage } = require('node:async_hooks');

for (const name of ['run', 'exit']) {
  const original = AsyncLocalStorage.prototype[name];
  const arity = name === 'run' ? 1 : 0;
  AsyncLocalStorage.prototype[name] = {
    [name](...args) {
      const self = this;
      const callback = args[arity];
      if (typeof callback === 'function') {
        args[arity] = function (...inner) {
          return Reflect.apply(callback, self, inner);
        };
      }
      return Reflect.apply(original, this, args);
    },
  }[name];
}
