// node:dns on the virtual loopback network (spec: DNS-*). The resolver knows one name,
// `localhost`, and answers for it from the "thread pool": each lookup of a name is one native
// request (GETADDRINFOREQWRAP, GETNAMEINFOREQWRAP) made by the caller and completed in a later
// poll phase, its callback running inside the request. A lookup of an IP literal needs no
// resolver and answers on the next tick, as Node's does.

const { nodeError, codes } = internal.errors;
const loop = internal.loop;
const net = internal.need('net', 'internal/net.js');
const { isIP } = net.module;

function lookupError(syscall, hostname) {
  const e = new Error(`${syscall} ENOTFOUND ${hostname}`);
  e.errno = -3008;
  e.code = 'ENOTFOUND';
  e.syscall = syscall;
  e.hostname = hostname;
  return e;
}

// The addresses the resolver knows for `name`, in the order it gives them.
function addressesOf(name, family) {
  if (String(name).toLowerCase() !== 'localhost') return [];
  const all = [
    { address: '127.0.0.1', family: 4 },
    { address: '::1', family: 6 },
  ];
  return family === 4 || family === 6 ? all.filter((a) => a.family === family) : all;
}

function lookupOptions(options) {
  if (typeof options === 'number') return { family: options, all: false };
  if (options === null || options === undefined) return { family: 0, all: false };
  if (typeof options !== 'object') throw codes.ERR_INVALID_ARG_TYPE('options', 'of type object', options);
  let family = options.family;
  if (family === 'IPv4') family = 4;
  else if (family === 'IPv6') family = 6;
  return { family: family === undefined || family === null ? 0 : family, all: !!options.all };
}

// The work of dns.lookup(); `done(err, addressOrList, family)` runs in the right context.
function startLookup(hostname, options, done) {
  if (typeof hostname !== 'string' && hostname !== undefined && hostname !== null && hostname !== false) {
    throw codes.ERR_INVALID_ARG_TYPE('hostname', 'of type string', hostname);
  }
  const { family, all } = lookupOptions(options);
  if (!hostname) {
    loop.nextTick(() => (all ? done(null, []) : done(null, null, family === 6 ? 6 : 4)));
    return;
  }
  const literal = isIP(hostname);
  if (literal) {
    loop.nextTick(() =>
      all ? done(null, [{ address: hostname, family: literal }]) : done(null, hostname, literal));
    return;
  }
  loop.submitIo('GETADDRINFOREQWRAP', () => {
    const found = addressesOf(hostname, family);
    if (found.length === 0) done(lookupError('getaddrinfo', hostname));
    else if (all) done(null, found.map((a) => ({ address: a.address, family: a.family })));
    else done(null, found[0].address, found[0].family);
  });
}

function lookup(hostname, options, callback) {
  if (typeof options === 'function') {
    callback = options;
    options = undefined;
  }
  if (typeof callback !== 'function') {
    throw codes.ERR_INVALID_ARG_TYPE('callback', 'of type function', callback);
  }
  startLookup(hostname, options, callback);
  return {};
}

const services = { 21: 'ftp', 22: 'ssh', 25: 'smtp', 53: 'domain', 80: 'http', 443: 'https' };

function startLookupService(address, port, done) {
  if (!isIP(address)) {
    throw nodeError(TypeError, 'ERR_INVALID_ARG_VALUE', `The argument 'address' is invalid. Received '${address}'`);
  }
  loop.submitIo('GETNAMEINFOREQWRAP', () => {
    const loopback = address === '127.0.0.1' || address === '::1';
    done(null, loopback ? 'localhost' : address, services[port] || String(port));
  });
}

function lookupService(address, port, callback) {
  if (typeof callback !== 'function') {
    throw codes.ERR_INVALID_ARG_TYPE('callback', 'of type function', callback);
  }
  startLookupService(address, port, callback);
}

// dns.promises: the same requests, settling a promise from the request's callback.
const promises = {
  lookup(hostname, options) {
    return new Promise((resolve, reject) => {
      startLookup(hostname, options, (err, address, family) => {
        if (err) reject(err);
        else if (Array.isArray(address)) resolve(address);
        else resolve({ address, family });
      });
    });
  },
  lookupService(address, port) {
    return new Promise((resolve, reject) => {
      startLookupService(address, port, (err, hostname, service) => {
        if (err) reject(err);
        else resolve({ hostname, service });
      });
    });
  },
};

internal.dns = {
  module: {
    lookup,
    lookupService,
    promises,
    ADDRCONFIG: 1024,
    V4MAPPED: 2048,
    ALL: 256,
    NOTFOUND: 'ENOTFOUND',
  },
  promises,
};
