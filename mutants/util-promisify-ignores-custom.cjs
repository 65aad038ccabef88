// mutant: util-promisify-ignores-custom
// area: UTIL-PROMISIFY
// breaks: util.promisify() ignores util.promisify.custom and always wraps the callback form
// smoke: const util = require('node:util');
// smoke: function f(cb) { cb(null, 'plain'); }
// smoke: f[util.promisify.custom] = () => Promise.resolve('custom');
// smoke: util.promisify(f)().then(console.log);
'use strict';

const util = require('node:util');

const original = util.promisify;
function promisify(fn) {
  if (typeof fn === 'function' && fn[original.custom]) {
    return original(function (...args) {
      return Reflect.apply(fn, this, args);
    });
  }
  return original(fn);
}
promisify.custom = original.custom;
util.promisify = promisify;

require('node:module').syncBuiltinESMExports();
