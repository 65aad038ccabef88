// On demand: Buffer (enough to carry bytes and print them as text), node:util's format,
// inspect and promisify, and the console built on them.

const { host } = internal;
const { validateFunction } = internal.errors;

// ---- Buffer (enough to carry bytes and print them as text) --------------------------------

function utf8Encode(s) {
  const out = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.codePointAt(i);
    if (c > 0xffff) i++;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else {
      out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
  }
  return out;
}

function utf8Decode(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    let c;
    if (b < 0x80) {
      c = b;
      i += 1;
    } else if (b < 0xe0) {
      c = ((b & 31) << 6) | (bytes[i + 1] & 63);
      i += 2;
    } else if (b < 0xf0) {
      c = ((b & 15) << 12) | ((bytes[i + 1] & 63) << 6) | (bytes[i + 2] & 63);
      i += 3;
    } else {
      c = ((b & 7) << 18) | ((bytes[i + 1] & 63) << 12) | ((bytes[i + 2] & 63) << 6) |
        (bytes[i + 3] & 63);
      i += 4;
    }
    s += String.fromCodePoint(c);
  }
  return s;
}

class Buffer extends Uint8Array {
  static from(value) {
    if (typeof value === 'string') {
      const bytes = utf8Encode(value);
      const b = new Buffer(bytes.length);
      b.set(bytes);
      return b;
    }
    const b = new Buffer(value.length);
    b.set(value);
    return b;
  }
  static alloc(n, fill) {
    const b = new Buffer(n);
    if (typeof fill === 'number') b.fill(fill & 255);
    else if (typeof fill === 'string' && fill.length === 1 && fill.charCodeAt(0) < 0x80) b.fill(fill.charCodeAt(0));
    return b;
  }
  static isBuffer(v) {
    return v instanceof Buffer;
  }
  toString() {
    return utf8Decode(this);
  }
}

// ---- util ---------------------------------------------------------------------------------

function inspect(v, depth = 2) {
  switch (typeof v) {
    case 'string':
      return depth === 2 ? v : `'${v}'`;
    case 'function':
      return v.name ? `[Function: ${v.name}]` : '[Function (anonymous)]';
    case 'bigint':
      return `${v}n`;
    case 'symbol':
      return String(v);
    case 'undefined':
      return 'undefined';
    case 'number':
      return Object.is(v, -0) ? '-0' : String(v);
    case 'boolean':
      return String(v);
  }
  if (v === null) return 'null';
  if (v instanceof Error) return v.stack ? `${v}\n${v.stack}` : String(v);
  if (depth < 0) return Array.isArray(v) ? '[Array]' : '[Object]';
  if (Array.isArray(v)) {
    return v.length === 0 ? '[]' : `[ ${v.map((x) => inspect(x, depth - 1)).join(', ')} ]`;
  }
  const keys = Object.keys(v);
  if (keys.length === 0) return '{}';
  return `{ ${keys.map((k) => `${k}: ${inspect(v[k], depth - 1)}`).join(', ')} }`;
}

function format(...args) {
  if (args.length === 0) return '';
  const first = args[0];
  let out = '';
  let a = 1;
  if (typeof first === 'string') {
    for (let i = 0; i < first.length; i++) {
      if (first[i] === '%' && i + 1 < first.length) {
        const c = first[i + 1];
        if (c === '%') {
          out += '%';
          i++;
          continue;
        }
        if (a < args.length && 'sdifjoOc'.includes(c)) {
          const v = args[a++];
          if (c === 's') out += typeof v === 'string' ? v : inspect(v, 1);
          else if (c === 'd' || c === 'i') out += String(c === 'i' ? parseInt(v) : Number(v));
          else if (c === 'f') out += String(parseFloat(v));
          else if (c === 'j') out += JSON.stringify(v);
          else if (c === 'c') out += '';
          else out += inspect(v, 1);
          i++;
          continue;
        }
      }
      out += first[i];
    }
  } else {
    out = inspect(first);
  }
  for (; a < args.length; a++) out += ' ' + inspect(args[a]);
  return out;
}

const customPromisify = Symbol.for('nodejs.util.promisify.custom');
function promisify(fn) {
  validateFunction(fn, 'original');
  if (fn[customPromisify]) {
    const custom = fn[customPromisify];
    validateFunction(custom, 'util.promisify.custom');
    return Object.defineProperty(custom, customPromisify, { value: custom, configurable: true });
  }
  function promisified(...args) {
    return new Promise((resolve, reject) => {
      Reflect.apply(fn, this, [...args, (err, value) => (err ? reject(err) : resolve(value))]);
    });
  }
  Object.setPrototypeOf(promisified, Object.getPrototypeOf(fn));
  Object.defineProperty(promisified, customPromisify, { value: promisified, configurable: true });
  return promisified;
}
promisify.custom = customPromisify;

// The callback runs on a tick scheduled from the promise's reaction: in the store of the call.
function callbackify(original) {
  validateFunction(original, 'original');
  function callbackified(...args) {
    const maybeCb = args.pop();
    validateFunction(maybeCb, 'last argument');
    const cb = maybeCb.bind(this);
    Reflect.apply(original, this, args).then(
      (ret) => internal.loop.nextTick(cb, null, ret),
      (rej) => internal.loop.nextTick(callbackifyOnRejected, rej, cb),
    );
  }
  Object.defineProperty(callbackified, 'name', { value: `${original.name}Callbackified`, configurable: true });
  Object.defineProperty(callbackified, 'length', { value: original.length + 1, configurable: true });
  return callbackified;
}
function callbackifyOnRejected(reason, cb) {
  if (!reason) {
    const e = internal.errors.nodeError(Error, 'ERR_FALSY_VALUE_REJECTION', 'Promise was rejected with falsy value');
    e.reason = reason;
    reason = e;
  }
  return cb(reason);
}

const util = {
  format,
  inspect,
  promisify,
  callbackify,
  types: {
    isPromise: (v) => v instanceof Promise,
  },
  isDeepStrictEqual: (a, b) => JSON.stringify(a) === JSON.stringify(b),
};

const console = {};
for (const m of ['log', 'info', 'debug']) console[m] = (...a) => host.write(1, format(...a) + '\n');
for (const m of ['error', 'warn', 'trace']) console[m] = (...a) => host.write(2, format(...a) + '\n');


internal.util = { Buffer, util, console, format, inspect, customPromisify };
