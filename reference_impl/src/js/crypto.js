// On demand: node:crypto, the parts cases use. The computations are native (host_native.rs) and
// done at once; what Node runs on its thread pool (randomBytes, randomFill, pbkdf2, scrypt, the
// Web Crypto jobs) is delivered one loop turn later, in the poll phase, as the callback of one
// request resource of Node's provider type (RANDOMBYTESREQUEST, PBKDF2REQUEST, SCRYPTREQUEST,
// HASHREQUEST) made when the call was made: the callback sees the caller's context. Several
// requests complete in the order they were made, which is one of the orders Node's pool allows.

const { host } = internal;
const { codes, nodeError, validateFunction } = internal.errors;
const loop = internal.loop;

const Buffer = () => internal.Buffer;

// Bytes of a string (UTF-8), a typed array, a DataView or an ArrayBuffer, as a plain Uint8Array.
function bytesOf(v, name) {
  if (typeof v === 'string') return Uint8Array.from(Buffer().from(v));
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice();
  if (v instanceof ArrayBuffer) return new Uint8Array(v).slice();
  throw codes.ERR_INVALID_ARG_TYPE(
    name,
    'of type string or an instance of ArrayBuffer, Buffer, TypedArray, or DataView',
    v,
  );
}

function toBuffer(u8) {
  const B = Buffer();
  return new B(u8.buffer, u8.byteOffset, u8.length);
}

const hex = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, '0')).join('');

function encode(u8, encoding) {
  if (encoding === 'hex') return hex(u8);
  if (encoding === 'base64') return btoa(String.fromCharCode(...u8));
  if (encoding === 'latin1' || encoding === 'binary') return String.fromCharCode(...u8);
  if (encoding !== undefined && encoding !== 'buffer') return toBuffer(u8).toString();
  return toBuffer(u8);
}

// A host computation; its `{ code }` exception becomes a Node-shaped error.
function native(fn) {
  try {
    return fn();
  } catch (e) {
    if (e && e.hostError) throw nodeError(Error, e.code, e.message);
    throw e;
  }
}

// One thread-pool job: `work` runs now, its result (or error) reaches `done` in the poll phase
// of the next loop turn, inside a request resource of `type`.
function job(type, work, done) {
  let err = null;
  let value;
  try {
    value = work();
  } catch (e) {
    err = e;
  }
  loop.submitIo(type, () => done(err, value));
}

function validateNumber(v, name, min, max) {
  if (typeof v !== 'number') throw codes.ERR_INVALID_ARG_TYPE(name, 'of type number', v);
  if (!(v >= min && v <= max) || !Number.isInteger(v)) {
    throw nodeError(
      RangeError,
      'ERR_OUT_OF_RANGE',
      `The value of "${name}" is out of range. It must be >= ${min} && <= ${max}. Received ${v}`,
    );
  }
}

// ---- random -------------------------------------------------------------------------------

function randomBytes(size, callback) {
  validateNumber(size, 'size', 0, 2 ** 31 - 1);
  if (callback === undefined) return toBuffer(native(() => host.randomBytes(size)));
  validateFunction(callback, 'callback');
  job('RANDOMBYTESREQUEST', () => toBuffer(native(() => host.randomBytes(size))), callback);
}

function fillRandom(buf, offset, size) {
  const view = new Uint8Array(buf.buffer || buf, (buf.byteOffset || 0) + offset, size);
  view.set(host.randomBytes(size));
  return buf;
}

function checkBuffer(buf) {
  if (!ArrayBuffer.isView(buf) && !(buf instanceof ArrayBuffer)) {
    throw codes.ERR_INVALID_ARG_TYPE(
      'buf',
      'an instance of ArrayBuffer or ArrayBufferView',
      buf,
    );
  }
  return buf.byteLength;
}

function randomFill(buf, offset, size, callback) {
  const length = checkBuffer(buf);
  if (typeof offset === 'function') {
    callback = offset;
    offset = 0;
    size = length;
  } else if (typeof size === 'function') {
    callback = size;
    size = length - offset;
  }
  validateFunction(callback, 'callback');
  validateNumber(offset, 'offset', 0, length);
  validateNumber(size, 'size', 0, length - offset);
  job('RANDOMBYTESREQUEST', () => fillRandom(buf, offset, size), callback);
}

function randomFillSync(buf, offset = 0, size) {
  const length = checkBuffer(buf);
  if (size === undefined) size = length - offset;
  return fillRandom(buf, offset, size);
}

function randomUUID() {
  const b = host.randomBytes(16);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = hex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function randomInt(min, max, callback) {
  if (max === undefined || typeof max === 'function') {
    callback = max;
    max = min;
    min = 0;
  }
  const b = host.randomBytes(6);
  const n = b.reduce((acc, x) => acc * 256 + x, 0);
  const value = min + (n % (max - min));
  if (callback === undefined) return value;
  validateFunction(callback, 'callback');
  job('RANDOMBYTESREQUEST', () => value, callback);
}

// ---- key derivation -----------------------------------------------------------------------

function pbkdf2Args(password, salt, iterations, keylen, digest) {
  const pw = bytesOf(password, 'password');
  const s = bytesOf(salt, 'salt');
  validateNumber(iterations, 'iterations', 1, 2 ** 31 - 1);
  validateNumber(keylen, 'keylen', 0, 2 ** 31 - 1);
  if (typeof digest !== 'string') throw codes.ERR_INVALID_ARG_TYPE('digest', 'of type string', digest);
  return () => toBuffer(native(() => host.pbkdf2(pw, s, iterations, keylen, digest)));
}

function pbkdf2(password, salt, iterations, keylen, digest, callback) {
  if (typeof digest === 'function') {
    callback = digest;
    digest = undefined;
  }
  const work = pbkdf2Args(password, salt, iterations, keylen, digest);
  validateFunction(callback, 'callback');
  job('PBKDF2REQUEST', work, callback);
}

// A synchronous job: Node still makes its request resource (init only: it never runs a
// callback, and its destroy waits for the garbage collector).
function syncJob(type, work) {
  loop.initAsyncResource({}, type);
  return work();
}

function pbkdf2Sync(password, salt, iterations, keylen, digest) {
  return syncJob('PBKDF2REQUEST', pbkdf2Args(password, salt, iterations, keylen, digest));
}

function scryptArgs(password, salt, keylen, options) {
  const pw = bytesOf(password, 'password');
  const s = bytesOf(salt, 'salt');
  validateNumber(keylen, 'keylen', 0, 2 ** 31 - 1);
  const o = options || {};
  const N = o.N ?? o.cost ?? 16384;
  const r = o.r ?? o.blockSize ?? 8;
  const p = o.p ?? o.parallelization ?? 1;
  return () => toBuffer(native(() => host.scrypt(pw, s, keylen, N, r, p)));
}

function scrypt(password, salt, keylen, options, callback) {
  if (typeof options === 'function') {
    callback = options;
    options = undefined;
  }
  const work = scryptArgs(password, salt, keylen, options);
  validateFunction(callback, 'callback');
  job('SCRYPTREQUEST', work, callback);
}

function scryptSync(password, salt, keylen, options) {
  return syncJob('SCRYPTREQUEST', scryptArgs(password, salt, keylen, options));
}

// ---- hashes (synchronous) -----------------------------------------------------------------

class Hash {
  constructor(algorithm) {
    this._alg = algorithm;
    this._parts = [];
  }
  update(data) {
    this._parts.push(bytesOf(data, 'data'));
    return this;
  }
  digest(encoding) {
    const all = new Uint8Array(this._parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of this._parts) {
      all.set(p, at);
      at += p.length;
    }
    return encode(native(() => host.hashDigest(this._alg, all)), encoding);
  }
}

class Hmac extends Hash {
  constructor(algorithm, key) {
    super(algorithm);
    this._key = bytesOf(key, 'key');
  }
  digest(encoding) {
    const data = bytesOf(new Uint8Array(this._parts.flatMap((p) => Array.from(p))), 'data');
    return encode(native(() => host.hmacDigest(this._alg, this._key, data)), encoding);
  }
}

// ---- Web Crypto (the promise-returning parts cases use) -----------------------------------

const digestNames = { 'SHA-1': null, 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };

// A Web Crypto job: a promise settled from the job's completion callback, one loop turn later.
function jobPromise(type, work) {
  return new Promise((resolve, reject) => {
    job(type, work, (err, value) => (err ? reject(err) : resolve(value)));
  });
}

function arrayBufferOf(u8) {
  return u8.buffer.slice(u8.byteOffset, u8.byteOffset + u8.length);
}

class SubtleCrypto {
  async digest(algorithm, data) {
    const name = (typeof algorithm === 'string' ? algorithm : algorithm && algorithm.name) || '';
    const alg = digestNames[String(name).toUpperCase()];
    if (!alg) {
      throw new (internal.need('web', 'internal/web.js').DOMException)(
        'Unrecognized algorithm name',
        'NotSupportedError',
      );
    }
    const bytes = bytesOf(data, 'data');
    return await jobPromise('HASHREQUEST', () => arrayBufferOf(native(() => host.hashDigest(alg, bytes))));
  }
}

const subtle = new SubtleCrypto();

function getRandomValues(array) {
  if (!ArrayBuffer.isView(array)) {
    throw codes.ERR_INVALID_ARG_TYPE('typedArray', 'an instance of ArrayBufferView', array);
  }
  return fillRandom(array, 0, array.byteLength);
}

const webcrypto = { subtle, getRandomValues, randomUUID };

internal.crypto = {
  module: {
    randomBytes,
    pseudoRandomBytes: randomBytes,
    randomFill,
    randomFillSync,
    randomUUID,
    randomInt,
    pbkdf2,
    pbkdf2Sync,
    scrypt,
    scryptSync,
    createHash: (algorithm) => new Hash(algorithm),
    createHmac: (algorithm, key) => new Hmac(algorithm, key),
    getHashes: () => ['sha224', 'sha256', 'sha384', 'sha512'],
    getRandomValues,
    subtle,
    webcrypto,
  },
};
