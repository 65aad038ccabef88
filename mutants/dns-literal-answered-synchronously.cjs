// mutant: dns-literal-answered-synchronously
// area: DNS-LOOKUP
// breaks: dns.lookup() of an IP literal calls back synchronously instead of on a later tick
// smoke: const dns = require('node:dns');
// smoke: dns.lookup('127.0.0.1', () => console.log('answered'));
// smoke: console.log('returned');
'use strict';

const dns = require('node:dns');
const net = require('node:net');

const original = dns.lookup;
dns.lookup = function lookup(hostname, options, callback) {
  if (typeof options === 'function') {
    callback = options;
    options = {};
  }
  const family = net.isIP(hostname);
  const all = options !== null && typeof options === 'object' && options.all;
  if (family !== 0 && typeof callback === 'function') {
    if (all) callback(null, [{ address: hostname, family }]);
    else callback(null, hostname, family);
    return {};
  }
  return Reflect.apply(original, this, [hostname, options, callback]);
};

require('node:module').syncBuiltinESMExports();
