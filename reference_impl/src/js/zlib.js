// On demand: node:zlib. Each engine owns one ZLIB handle (an async resource made with the engine,
// so triggered by and carrying the context of the code that made it). The bytes are compressed
// natively (host_native.rs) in one piece; what Node does on its thread pool is delivered as
// write completions in the poll phase of later loop turns, as callbacks of the handle:
//   - the convenience functions (gzip, deflate, inflate, ... with a callback) write the data,
//     then finish, two completions, and report through the stream's nextTick-driven 'end'
//     (an error after the first completion, through the nextTick that emits 'error');
//   - the *Sync functions make the handle and compute at once.
// Compressed bytes need not equal Node's (another deflate implementation); decompressed ones do.

const { host } = internal;
const { codes, nodeError, validateFunction } = internal.errors;
const loop = internal.loop;
const ah = internal.asyncHooks;

const Buffer = () => internal.Buffer;

function bytesOf(v, name = 'buffer') {
  if (typeof v === 'string') return Uint8Array.from(Buffer().from(v));
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice();
  if (v instanceof ArrayBuffer) return new Uint8Array(v).slice();
  throw codes.ERR_INVALID_ARG_TYPE(
    name,
    'of type string or an instance of Buffer, TypedArray, DataView, or ArrayBuffer',
    v,
  );
}

function toBuffer(u8) {
  const B = Buffer();
  return new B(u8.buffer, u8.byteOffset, u8.length);
}

const zlibErrors = {
  Z_DATA_ERROR: [-3, 'incorrect header check'],
  Z_BUF_ERROR: [-5, 'unexpected end of file'],
};

// The whole operation, natively; a failure becomes the error Node's handle reports.
function process(mode, data, opts) {
  try {
    const level = opts && typeof opts.level === 'number' ? opts.level : -1;
    return { value: toBuffer(host.zlibProcess(mode, data, level)) };
  } catch (e) {
    if (!e || !e.hostError) throw e;
    const code = e.code in zlibErrors ? e.code : 'Z_DATA_ERROR';
    const [errno, message] = zlibErrors[code];
    const err = nodeError(Error, code, message);
    err.errno = errno;
    return { error: err };
  }
}

// The native handle of one engine.
class Zlib {
  constructor(mode) {
    this.mode = mode;
    loop.initAsyncResource(this, 'ZLIB');
  }
}

function noop() {}

// One thread-pool write of the handle: `then` runs as the handle's callback in a later poll.
function write(handle, then) {
  loop.submitNative(() => loop.makeCallback(handle, then));
}

function zlibBuffer(mode, buffer, opts, callback) {
  if (typeof opts === 'function') {
    callback = opts;
    opts = {};
  }
  validateFunction(callback, 'callback');
  const data = bytesOf(buffer);
  const handle = new Zlib(mode);
  // Ending the stream with the data schedules its first write from a tick.
  loop.nextTick(noop);
  write(handle, () => {
    const r = process(mode, data, opts);
    if (r.error) {
      loop.nextTick(() => callback(r.error));
      return;
    }
    loop.nextTick(noop);
    loop.nextTick(noop);
    // The finishing write (Z_FINISH); the stream's 'end' then reaches the callback.
    write(handle, () => {
      loop.nextTick(noop);
      loop.nextTick(() => callback(null, r.value));
    });
  });
}

function zlibBufferSync(mode, buffer, opts) {
  const data = bytesOf(buffer);
  new Zlib(mode);
  const r = process(mode, data, opts);
  if (r.error) throw r.error;
  return r.value;
}

const modes = {
  deflate: 'deflate',
  inflate: 'inflate',
  gzip: 'gzip',
  gunzip: 'gunzip',
  deflateRaw: 'deflateraw',
  inflateRaw: 'inflateraw',
  unzip: 'unzip',
};

const constants = {
  Z_NO_FLUSH: 0,
  Z_PARTIAL_FLUSH: 1,
  Z_SYNC_FLUSH: 2,
  Z_FULL_FLUSH: 3,
  Z_FINISH: 4,
  Z_OK: 0,
  Z_STREAM_END: 1,
  Z_DATA_ERROR: -3,
  Z_BUF_ERROR: -5,
  Z_NO_COMPRESSION: 0,
  Z_BEST_SPEED: 1,
  Z_BEST_COMPRESSION: 9,
  Z_DEFAULT_COMPRESSION: -1,
};

const zlib = { constants };
for (const [name, mode] of Object.entries(modes)) {
  zlib[name] = (buffer, opts, callback) => zlibBuffer(mode, buffer, opts, callback);
  zlib[`${name}Sync`] = (buffer, opts) => zlibBufferSync(mode, buffer, opts);
}

// Streams (createGzip(), ...): the engine is node:stream's Transform with the ZLIB handle. Each
// written chunk is one thread-pool write completing as a callback of the handle; the bytes are
// kept and processed in one piece by the finishing write (Z_FINISH), whose output is pushed
// then. So every event the engine emits from a completion ('data', 'end', 'finish', 'error')
// runs in the context of the engine's creation. Node may push output earlier, in more chunks;
// the bytes and the contexts are the same.
let streamClasses;
function streams() {
  if (streamClasses !== undefined) return streamClasses;
  const { Transform } = internal.need('stream', 'internal/stream.js');
  function ZlibBase(mode, opts) {
    Transform.call(this, opts);
    this._mode = mode;
    this._opts = opts || {};
    this._handle = new Zlib(mode);
    this._input = [];
    this.bytesWritten = 0;
  }
  Object.setPrototypeOf(ZlibBase.prototype, Transform.prototype);
  Object.setPrototypeOf(ZlibBase, Transform);
  ZlibBase.prototype._transform = function _transform(chunk, encoding, cb) {
    const data = bytesOf(chunk, 'chunk');
    this.bytesWritten += data.length;
    this._input.push(data);
    write(this._handle, () => cb());
  };
  ZlibBase.prototype._flush = function _flush(cb) {
    let n = 0;
    for (const c of this._input) n += c.length;
    const all = new Uint8Array(n);
    let at = 0;
    for (const c of this._input) {
      all.set(c, at);
      at += c.length;
    }
    this._input = [];
    write(this._handle, () => {
      const r = process(this._mode, all, this._opts);
      if (r.error) {
        cb(r.error);
        return;
      }
      if (r.value.length > 0) this.push(r.value);
      cb();
    });
  };
  // As in Node, the writable side finishes at once; the finishing write is made by the
  // Transform's prefinish (through _flush), so 'finish' comes before 'end'.
  ZlibBase.prototype._final = function _final(callback) {
    callback();
  };
  ZlibBase.prototype.close = function close(callback) {
    if (callback) this.once('close', callback);
    this.destroy();
  };
  streamClasses = { ZlibBase };
  for (const [name, mode] of Object.entries(modes)) {
    const Class = name[0].toUpperCase() + name.slice(1);
    const C = {
      [Class]: function (opts) {
        if (!(this instanceof C)) return new C(opts);
        ZlibBase.call(this, mode, opts);
      },
    }[Class];
    Object.setPrototypeOf(C.prototype, ZlibBase.prototype);
    Object.setPrototypeOf(C, ZlibBase);
    streamClasses[Class] = C;
  }
  return streamClasses;
}

for (const name of Object.keys(modes)) {
  const Class = name[0].toUpperCase() + name.slice(1);
  zlib[`create${Class}`] = (opts) => new (streams()[Class])(opts);
  Object.defineProperty(zlib, Class, { enumerable: true, get: () => streams()[Class] });
}

internal.zlib = { module: zlib };
