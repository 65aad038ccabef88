// node:net on a virtual loopback network: servers listen on ports of a table inside the
// runtime and a connection joins two sockets directly, so nothing leaves the process. What
// Node's native layer would do asynchronously (accepting, connecting, reading, shutting down,
// closing) is delivered by the loop, each step under a resource of Node's type (TCPSERVERWRAP,
// TCPWRAP, TCPCONNECTWRAP, SHUTDOWNWRAP, WRITEWRAP, GETADDRINFOREQWRAP, and PIPESERVERWRAP,
// PIPEWRAP, PIPECONNECTWRAP for Unix socket paths) with Node's trigger.

const { nodeError } = internal.errors;
const ah = internal.asyncHooks;
const loop = internal.loop;
const { EventEmitter } = internal.events;
const { asyncIdKey } = ah;

const withTrigger = ah.defaultTriggerAsyncIdScope;

// ---- errors -------------------------------------------------------------------------------

const uvCodes = {
  ECONNREFUSED: [-111, 'connection refused'],
  EADDRINUSE: [-98, 'address already in use'],
  ENOTFOUND: [-3008, 'getaddrinfo ENOTFOUND'],
  ECONNRESET: [-104, 'connection reset by peer'],
  ENOENT: [-2, 'no such file or directory'],
};

function uvException(code, syscall, address, port) {
  const [errno, text] = uvCodes[code];
  const where = port !== undefined ? `${address}:${port}` : address;
  const e = new Error(`${syscall} ${code}${syscall === 'listen' ? `: ${text}` : ''} ${where}`);
  e.errno = errno;
  e.code = code;
  e.syscall = syscall;
  e.address = address;
  if (port !== undefined) e.port = port;
  return e;
}

function notFound(hostname) {
  const e = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
  e.errno = -3008;
  e.code = 'ENOTFOUND';
  e.syscall = 'getaddrinfo';
  e.hostname = hostname;
  return e;
}

function badPort(port) {
  const shown = typeof port === 'string' ? `'${port}'` : String(port);
  return nodeError(
    RangeError,
    'ERR_SOCKET_BAD_PORT',
    `options.port should be >= 0 and < 65536. Received type ${typeof port} (${shown}).`,
  );
}

const streamError = (code, message) => nodeError(Error, code, message);

// ---- addresses ----------------------------------------------------------------------------

const ipv4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function isIPv4(s) {
  return typeof s === 'string' && ipv4.test(s);
}

function isIPv6(s) {
  return typeof s === 'string' && s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s);
}

function isIP(s) {
  return isIPv4(s) ? 4 : isIPv6(s) ? 6 : 0;
}

const familyOf = (address) => (isIPv6(address) ? 'IPv6' : 'IPv4');

// The only names this network knows.
function resolveName(name) {
  return name === 'localhost' ? '127.0.0.1' : null;
}

function validPort(port) {
  if (port === undefined || port === null) return 0;
  const n = typeof port === 'string' && port.trim() !== '' ? Number(port) : port;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 65535) throw badPort(port);
  return n;
}

const listening = new Map(); // port -> Server
const pipes = new Map(); // Unix socket path -> Server
let nextPort = 40000; // ports handed out for listen(0) and to client sockets, in order

function allocatePort() {
  while (listening.has(nextPort)) nextPort++;
  return nextPort++;
}

// ---- handles ------------------------------------------------------------------------------

class TCP {
  constructor(type) {
    loop.initAsyncResource(this, type);
  }
  getAsyncId() {
    return this[asyncIdKey];
  }
}

// ---- text on the wire ---------------------------------------------------------------------

// Bytes travel as chunks: JS strings (what http writes; only their UTF-8 length is counted) or
// Uint8Arrays (what Buffer writes carry, never decoded on the way).
const ascii = /^[\x00-\x7f]*$/;

function utf8Length(s) {
  if (ascii.test(s)) return s.length;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

const chunkLength = (c) => (typeof c === 'string' ? utf8Length(c) : c.length);

function bytesToText(b) {
  return internal.Buffer.prototype.toString.call(b);
}

function asText(c) {
  return typeof c === 'string' ? c : bytesToText(c);
}

function asBuffer(c) {
  if (typeof c === 'string') return internal.Buffer.from(c);
  return c instanceof internal.Buffer ? c : new internal.Buffer(c.buffer, c.byteOffset, c.length);
}

// One chunk from several, as one read returns them.
function joinChunks(list) {
  if (list.length === 1) return list[0];
  if (list.every((c) => typeof c === 'string')) return list.join('');
  const parts = list.map((c) => (typeof c === 'string' ? internal.Buffer.from(c) : c));
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function toText(data) {
  if (typeof data === 'string') return data;
  if (data instanceof Uint8Array) return bytesToText(data);
  throw invalidChunk(data);
}

function invalidChunk(data) {
  return nodeError(
    TypeError,
    'ERR_INVALID_ARG_TYPE',
    'The "chunk" argument must be of type string or an instance of Buffer, TypedArray, or ' +
      `DataView. Received ${data === null ? 'null' : typeof data}`,
  );
}

// What a write puts on the wire: strings as they are (long ones as bytes, so that reads can
// split them), bytes copied, as the kernel copies them.
function toChunk(data) {
  if (typeof data === 'string') return data.length > 16384 ? internal.Buffer.from(data) : data;
  if (data instanceof Uint8Array) return new Uint8Array(data);
  throw invalidChunk(data);
}

const HIGH_WATER_MARK = 65536; // a socket's writableHighWaterMark (Node 22 and later)
const READ_SIZE = 65536; // the most one read callback delivers (libuv's 64 KiB buffer)
// What the kernel holds for one direction of a connection that the reader has not read yet
// (send and receive buffers together): on Linux a fresh loopback TCP connection takes about
// 3.7 MiB before a write waits; a Unix stream socket far less.
const TCP_CAPACITY = 4 * 1024 * 1024;
const PIPE_CAPACITY = 256 * 1024;

// The kernel of `to` takes a chunk; a read follows in a later poll phase. Chunks that wait
// there together are read together, up to READ_SIZE bytes a read (a TCP stream keeps no
// message boundaries).
function deliver(to, c, n) {
  to._inbox.push({ c, n });
  to._inboxBytes += n;
  to._scheduleRead();
}

// The peer of `from` reads end-of-stream, after any data still on the way.
function sendEof(from) {
  if (from._eofSent || from._peer === null) return;
  from._eofSent = true;
  const peer = from._peer;
  peer._inboxEof = true;
  peer._scheduleRead();
}

// A native request completing: its callback runs inside it, then it is destroyed.
function completeRequest(req, fn) {
  loop.callback(() => {
    loop.makeCallback(req, fn);
    if (ah.destroyHooksExist()) ah.emitDestroy(req[asyncIdKey]);
  });
}

const nop = () => {};

// ---- the readable side --------------------------------------------------------------------

// Chunks pushed while nobody reads are kept; an on('data') listener resumes the stream and
// the kept chunks flow on the next tick; 'end' follows the last chunk, then autoDestroy.
class Readable extends EventEmitter {
  constructor() {
    super();
    this._readableState = {
      buffer: [],
      flowing: null,
      ended: false,
      endEmitted: false,
      sync: true, // before the first read, pushes are kept even when flowing
      resumeScheduled: false,
      flowScheduled: false,
      endScheduled: false,
      encoding: null,
      readOnEof: false, // sockets read(0) at end-of-stream, so 'end' comes unread too
      consuming: false,
      readingMore: false,
      readablePending: false, // the tick Node's emitReadable queued at end-of-stream
    };
    this.readable = true;
    this.destroyed = false;
  }

  get readableEnded() {
    return this._readableState.endEmitted;
  }
  get readableFlowing() {
    return this._readableState.flowing;
  }
  get readableEncoding() {
    return this._readableState.encoding;
  }

  on(type, listener) {
    super.on(type, listener);
    if (type === 'data') this._dataListenerAdded();
    return this;
  }
  once(type, listener) {
    super.once(type, listener);
    if (type === 'data') this._dataListenerAdded();
    return this;
  }
  _dataListenerAdded() {
    const rs = this._readableState;
    rs.consuming = true;
    if (rs.flowing !== false) this.resume();
  }

  setEncoding(encoding) {
    this._readableState.encoding = encoding ? String(encoding).toLowerCase() : 'utf8';
    return this;
  }

  resume() {
    const rs = this._readableState;
    if (!rs.flowing) {
      rs.flowing = true;
      if (!rs.resumeScheduled) {
        rs.resumeScheduled = true;
        loop.nextTick(() => {
          rs.resumeScheduled = false;
          this.emit('resume');
          flow(this);
        });
      }
    }
    return this;
  }

  pause() {
    const rs = this._readableState;
    if (rs.flowing !== false) {
      rs.flowing = false;
      this.emit('pause');
    }
    return this;
  }

  isPaused() {
    return this._readableState.flowing === false;
  }

  // for await: chunks as they flow; every step is a promise the caller awaits, so its
  // continuation runs in the caller's context.
  [Symbol.asyncIterator]() {
    const queue = [];
    let waiting = null;
    let finished = false;
    let failure = null;
    const settle = () => {
      if (waiting === null) return;
      const w = waiting;
      if (queue.length > 0) {
        waiting = null;
        w.resolve({ value: queue.shift(), done: false });
      } else if (failure !== null) {
        waiting = null;
        w.reject(failure);
      } else if (finished) {
        waiting = null;
        w.resolve({ value: undefined, done: true });
      }
    };
    this.on('data', (chunk) => {
      queue.push(chunk);
      settle();
    });
    this.once('end', () => {
      finished = true;
      settle();
    });
    this.once('error', (err) => {
      failure = err;
      settle();
    });
    this.once('close', () => {
      finished = true;
      settle();
    });
    const stream = this;
    return {
      next() {
        return new Promise((resolve, reject) => {
          waiting = { resolve, reject };
          settle();
        });
      },
      return() {
        finished = true;
        stream.destroy();
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  pipe(dest, options) {
    this.on('data', (chunk) => dest.write(chunk));
    if (!options || options.end !== false) this.on('end', () => dest.end());
    return dest;
  }

  read() {
    const rs = this._readableState;
    rs.sync = false;
    rs.consuming = true;
    if (rs.buffer.length === 0) {
      if (rs.ended) scheduleEnd(this);
      return null;
    }
    const chunk = joinChunks(rs.buffer);
    rs.buffer = [];
    if (rs.ended) scheduleEnd(this);
    return this._chunk(chunk);
  }

  push(text) {
    const rs = this._readableState;
    if (rs.ended) return false;
    if (text === null) {
      rs.ended = true;
      if (rs.buffer.length === 0 && (rs.flowing || rs.readOnEof)) scheduleEnd(this);
      else if (rs.buffer.length > 0 && rs.sync && !rs.readablePending) {
        // End-of-stream before anyone read: Node's emitReadable queues a tick now, in this
        // context, and it is that tick which schedules 'end' once the buffer is drained.
        rs.readablePending = true;
        loop.nextTick(() => {
          rs.readablePending = false;
          if (rs.flowing) flow(this);
          else if (rs.buffer.length === 0) scheduleEnd(this);
        });
      }
      return false;
    }
    if (rs.flowing && rs.buffer.length === 0 && !rs.sync) {
      this.emit('data', this._chunk(text));
    } else {
      rs.buffer.push(text);
      if (rs.flowing && !rs.resumeScheduled && !rs.flowScheduled) {
        rs.flowScheduled = true;
        loop.nextTick(() => {
          rs.flowScheduled = false;
          flow(this);
        });
      }
    }
    // Node's maybeReadMore: a tick after every chunk, whether or not anyone reads it.
    if (!rs.readingMore) {
      rs.readingMore = true;
      loop.nextTick(() => {
        rs.readingMore = false;
      });
    }
    return true;
  }

  _chunk(c) {
    return this._readableState.encoding ? asText(c) : asBuffer(c);
  }

  // What follows 'end' (autoDestroy for a plain readable).
  _afterEnd() {
    this.destroy();
  }

  destroy(err) {
    if (this.destroyed) return this;
    this.destroyed = true;
    this.readable = false;
    loop.nextTick(() => {
      if (err && this._emitsDestroyError()) this.emit('error', err);
      this.emit('close');
    });
    return this;
  }
  _emitsDestroyError() {
    return true;
  }
}

Readable.prototype.addListener = Readable.prototype.on;

function flow(stream) {
  const rs = stream._readableState;
  rs.sync = false;
  while (rs.flowing && rs.buffer.length > 0 && !stream.destroyed) {
    stream.emit('data', stream._chunk(rs.buffer.shift()));
  }
  if (rs.ended && rs.buffer.length === 0 && !rs.readablePending) scheduleEnd(stream);
}

function scheduleEnd(stream) {
  const rs = stream._readableState;
  if (rs.endScheduled || rs.endEmitted) return;
  rs.endScheduled = true;
  loop.nextTick(() => {
    if (rs.endEmitted || rs.buffer.length > 0 || stream.destroyed) return;
    rs.endEmitted = true;
    stream.readable = false;
    stream.emit('end');
    stream._afterEnd();
  });
}

// ---- sockets ------------------------------------------------------------------------------

function normalizeConnectArgs(args) {
  let options;
  if (args[0] !== null && typeof args[0] === 'object') options = Object.assign({}, args[0]);
  else if (typeof args[0] === 'string' && !/^\s*\d+\s*$/.test(args[0])) options = { path: args[0] };
  else {
    options = { port: args[0] };
    if (typeof args[1] === 'string') options.host = args[1];
  }
  const last = args[args.length - 1];
  return [options, typeof last === 'function' ? last : undefined];
}

class Socket extends Readable {
  constructor(options) {
    super();
    options = options || {};
    this._handle = null;
    this._refed = true;
    this._peer = null; // the socket at the other end
    this._pipe = false; // a Unix domain socket (PIPEWRAP) rather than TCP
    this._capacity = TCP_CAPACITY;
    // The kernel's side: what it holds for this socket to read, and this socket's writes
    // waiting for room at the peer (each a WRITEWRAP).
    this._inbox = [];
    this._inboxBytes = 0;
    this._inboxEof = false;
    this._readScheduled = false;
    this._writeQueue = [];
    this._flushScheduled = false;
    this._eofSent = false;
    this._refused = false;
    this._connectError = null;
    this._unaccepted = []; // chunks sent before the server accepted the connection
    // Writable's state, as Node keeps it: bytes not written yet (`length`), the write in
    // progress, writes buffered behind it or by cork(). onFinished: end() callbacks, called
    // just before the 'finish' listeners.
    this._writableState = {
      ending: false,
      finished: false,
      shutdown: false,
      shutdownDone: false,
      onFinished: [],
      length: 0,
      writing: false,
      writelen: 0,
      writecb: null,
      buffered: [],
      corked: 0,
      needDrain: false,
      afterWriteTickInfo: null,
      afterWritePending: false,
    };
    this._timer = null; // the idle timer of setTimeout()
    this.connecting = false;
    this.allowHalfOpen = !!options.allowHalfOpen;
    this.server = null;
    this._server = null;
    this.bytesRead = 0;
    this.bytesWritten = 0;
    this.remoteAddress = undefined;
    this.remotePort = undefined;
    this.remoteFamily = undefined;
    this.localAddress = undefined;
    this.localPort = undefined;
    this._readableState.readOnEof = true;
    if (options.handle) {
      this._attach(options.handle);
      this._readableState.sync = false;
    }
  }

  _attach(handle) {
    this._handle = handle;
    if (this._refed) loop.refHandle(1);
  }

  get writable() {
    return !this.destroyed && !this._writableState.ending;
  }
  get writableEnded() {
    return this._writableState.ending;
  }
  get writableFinished() {
    return this._writableState.finished;
  }
  get writableLength() {
    return this._writableState.length;
  }
  get writableNeedDrain() {
    const ws = this._writableState;
    return !this.destroyed && !ws.ending && ws.needDrain;
  }
  get writableCorked() {
    return this._writableState.corked;
  }
  get writableHighWaterMark() {
    return HIGH_WATER_MARK;
  }
  get pending() {
    return this._handle === null || this.connecting;
  }
  get readyState() {
    if (this.connecting) return 'opening';
    if (this.readable && this.writable) return 'open';
    if (this.readable) return 'readOnly';
    if (this.writable) return 'writeOnly';
    return 'closed';
  }

  connect(...args) {
    const [options, cb] = normalizeConnectArgs(args);
    if (typeof options.path === 'string') return this._connectPipe(options.path, cb);
    const port = validPort(options.port);
    const host = options.host || options.hostname || 'localhost';
    if (cb) this.once('connect', cb);
    this.connecting = true;
    if (this._handle === null) this._attach(new TCP('TCPWRAP'));
    const id = this._handle[asyncIdKey];
    if (isIP(host)) {
      withTrigger(id, loop.nextTick, () => {
        if (this.connecting) withTrigger(id, () => this._internalConnect(host, port));
      });
    } else {
      withTrigger(id, loop.submitIo, 'GETADDRINFOREQWRAP', () => {
        const address = resolveName(host);
        if (!this.connecting) return;
        if (address === null) this.destroy(notFound(host));
        else withTrigger(id, () => this._internalConnect(address, port));
      });
    }
    return this;
  }

  // A Unix socket path: the handle and its connect request are made at once, in the caller's
  // context; a path nobody listens on fails in the request's completion.
  _connectPipe(path, cb) {
    if (cb) this.once('connect', cb);
    this.connecting = true;
    this._pipe = true;
    this._capacity = PIPE_CAPACITY;
    if (this._handle === null) this._attach(new TCP('PIPEWRAP'));
    withTrigger(this._handle[asyncIdKey], () => {
      const server = pipes.get(path);
      if (server === undefined) this._connectError = uvException('ENOENT', 'connect', path);
      else server._enqueue(this, path);
      loop.submitIo('PIPECONNECTWRAP', () => this._afterConnect(path));
    });
    return this;
  }

  // The connection completes at once (the kernel's backlog takes it), whenever the server
  // gets round to accepting it.
  _internalConnect(address, port) {
    const server = listening.get(port);
    this._refused = server === undefined;
    this.localPort = allocatePort();
    if (server !== undefined) server._enqueue(this, address);
    loop.submitIo('TCPCONNECTWRAP', () => this._afterConnect(address, port));
  }

  _afterConnect(address, port) {
    if (this.destroyed) return;
    if (this._connectError !== null) {
      this.destroy(this._connectError);
      return;
    }
    if (this._refused) {
      this.destroy(uvException('ECONNREFUSED', 'connect', address, port));
      return;
    }
    this.connecting = false;
    this._readableState.sync = false;
    if (!this._pipe) {
      this.remoteAddress = address;
      this.remotePort = port;
      this.remoteFamily = familyOf(address);
      this.localAddress = address;
    }
    this.emit('connect');
    this.emit('ready');
    this._finishMaybe();
  }

  write(data, encoding, cb) {
    if (typeof encoding === 'function') cb = encoding;
    if (this.destroyed || this._writableState.ending) {
      const err = this.destroyed
        ? streamError('ERR_STREAM_DESTROYED', 'Cannot call write after a stream was destroyed')
        : streamError('ERR_STREAM_WRITE_AFTER_END', 'write after end');
      loop.nextTick(() => {
        if (typeof cb === 'function') cb(err);
        if (!this.destroyed) this.destroy(err);
      });
      return false;
    }
    const chunk = toChunk(data);
    const n = chunkLength(chunk);
    const ws = this._writableState;
    const callback = typeof cb === 'function' ? cb : nop;
    ws.length += n;
    if (ws.writing || ws.corked) ws.buffered.push({ chunk, n, callback });
    else if (this.connecting || this._handle === null) {
      // Writable hands the write to the socket, which waits for 'connect' (a listener added
      // now) and writes it there, outside the write() call: its callback runs inside that
      // listener. Writes made meanwhile are buffered behind it.
      ws.writing = true;
      ws.writelen = n;
      ws.writecb = callback;
      this.once('connect', () => {
        if (this._nativeWrite([chunk], n, () => this._onwrite(false))) this._onwrite(false);
      });
    } else this._doWrite([chunk], n, callback);
    const ret = ws.length < HIGH_WATER_MARK || ws.length === 0;
    if (!ret) ws.needDrain = true;
    return ret;
  }

  cork() {
    this._writableState.corked++;
  }

  uncork() {
    const ws = this._writableState;
    if (ws.corked > 0) {
      ws.corked--;
      if (ws.corked === 0 && !ws.writing) this._clearBuffer();
    }
  }

  // Writable's doWrite: the write either completes during the call (the kernel took it all;
  // the callback comes in a tick queued here) or later, from its WRITEWRAP.
  _doWrite(chunks, n, cb) {
    const ws = this._writableState;
    ws.writing = true;
    ws.writelen = n;
    ws.writecb = cb;
    if (this._nativeWrite(chunks, n, () => this._onwrite(false))) this._onwrite(true);
  }

  _onwrite(sync) {
    const ws = this._writableState;
    const cb = ws.writecb || nop;
    ws.writecb = null;
    ws.writing = false;
    ws.length -= ws.writelen;
    ws.writelen = 0;
    if (ws.buffered.length > 0) this._clearBuffer();
    if (!sync) {
      this._afterWrite(1, cb);
      return;
    }
    const needTick = (ws.needDrain && ws.length === 0) || cb !== nop;
    if (cb === nop) {
      if (!ws.afterWritePending && needTick) {
        ws.afterWritePending = true;
        loop.nextTick(() => this._afterWrite(1, cb));
      } else if (ws.ending) this._finishMaybe();
    } else if (ws.afterWriteTickInfo !== null && ws.afterWriteTickInfo.cb === cb) {
      ws.afterWriteTickInfo.count++;
    } else {
      const info = { count: 1, cb };
      ws.afterWriteTickInfo = info;
      ws.afterWritePending = true;
      loop.nextTick(() => {
        ws.afterWriteTickInfo = null;
        this._afterWrite(info.count, info.cb);
      });
    }
  }

  _afterWrite(count, cb) {
    const ws = this._writableState;
    ws.afterWritePending = false;
    if (!ws.ending && ws.needDrain && !this.destroyed && ws.length === 0) {
      ws.needDrain = false;
      this.emit('drain');
    }
    while (count-- > 0) cb(null);
    if (ws.ending) this._finishMaybe();
  }

  // Buffered writes go out together (the socket's writev), one callback for the batch.
  _clearBuffer() {
    const ws = this._writableState;
    if (ws.corked || this.destroyed || ws.buffered.length === 0) return;
    const list = ws.buffered.splice(0);
    if (list.length === 1) {
      this._doWrite([list[0].chunk], list[0].n, list[0].callback);
      return;
    }
    let n = 0;
    for (const b of list) n += b.n;
    const all = list.every((b) => b.callback === nop)
      ? nop
      : (err) => {
        for (const b of list) b.callback(err);
      };
    this._doWrite(list.map((b) => b.chunk), n, all);
  }

  // The native write: true when the kernel took every byte at once (libuv's try-write), else
  // the rest waits in a WRITEWRAP made now (triggered by the handle, in the caller's context)
  // that completes once the peer has read enough.
  _nativeWrite(chunks, n, onComplete) {
    this.bytesWritten += n;
    this._touch();
    const peer = this._peer;
    if (peer === null) {
      for (const c of chunks) this._unaccepted.push(c);
      return true;
    }
    let rest = chunks.map((c) => ({ c, n: chunkLength(c) }));
    if (this._writeQueue.length === 0) {
      rest = this._push(rest);
      if (rest.length === 0) return true;
    }
    const req = withTrigger(this._handle[asyncIdKey], () => {
      const r = {};
      loop.initAsyncResource(r, 'WRITEWRAP');
      return r;
    });
    this._writeQueue.push({ rest, req, onComplete });
    return false;
  }

  // Hand the peer's kernel as much as it has room for; what is left over.
  _push(entries) {
    const peer = this._peer;
    if (peer === null || peer.destroyed) return [];
    let room = this._capacity - peer._inboxBytes;
    let i = 0;
    for (; i < entries.length; i++) {
      const e = entries[i];
      if (e.n <= room) {
        deliver(peer, e.c, e.n);
        room -= e.n;
        continue;
      }
      if (room > 0 && typeof e.c !== 'string') {
        deliver(peer, e.c.subarray(0, room), room);
        entries[i] = { c: e.c.subarray(room), n: e.n - room };
      }
      break;
    }
    return entries.slice(i);
  }

  // The peer read: waiting writes move on in the next poll phase, each completing (in its
  // WRITEWRAP) once all its bytes are in.
  _scheduleFlush() {
    if (this._flushScheduled || this._writeQueue.length === 0) return;
    this._flushScheduled = true;
    loop.submitNative(() => {
      this._flushScheduled = false;
      while (this._writeQueue.length > 0) {
        const w = this._writeQueue[0];
        w.rest = this._push(w.rest);
        if (w.rest.length > 0) return;
        this._writeQueue.shift();
        completeRequest(w.req, () => {
          if (!this.destroyed) w.onComplete();
        });
      }
    });
  }

  // A read of the handle in the next poll phase: up to READ_SIZE bytes of what the kernel
  // holds; end-of-stream comes in a read of its own, a poll after the data.
  _scheduleRead() {
    if (this._readScheduled || (this._inbox.length === 0 && !this._inboxEof)) return;
    this._readScheduled = true;
    loop.submitNative(() => {
      this._readScheduled = false;
      if (this._inbox.length > 0) {
        const taken = [];
        let n = 0;
        while (this._inbox.length > 0 && n < READ_SIZE) {
          const e = this._inbox[0];
          if (n + e.n <= READ_SIZE) {
            taken.push(e.c);
            n += e.n;
            this._inbox.shift();
          } else if (typeof e.c !== 'string') {
            const part = READ_SIZE - n;
            taken.push(e.c.subarray(0, part));
            this._inbox[0] = { c: e.c.subarray(part), n: e.n - part };
            n += part;
          } else if (taken.length === 0) {
            taken.push(e.c);
            n += e.n;
            this._inbox.shift();
          } else break;
        }
        this._inboxBytes -= n;
        this._onRead(joinChunks(taken), n);
        if (this._peer !== null) this._peer._scheduleFlush();
        this._scheduleRead();
      } else if (this._inboxEof) {
        this._inboxEof = false;
        this._onEof();
      }
    });
  }

  end(data, encoding, cb) {
    if (typeof data === 'function') {
      cb = data;
      data = undefined;
    } else if (typeof encoding === 'function') {
      cb = encoding;
      encoding = undefined;
    }
    if (data !== undefined && data !== null) this.write(data, encoding);
    const ws = this._writableState;
    if (typeof cb === 'function') {
      if (ws.finished) loop.nextTick(cb);
      else ws.onFinished.push(cb);
    }
    if (ws.corked) {
      ws.corked = 1;
      this.uncork();
    }
    if (ws.ending) return this;
    ws.ending = true;
    this._finishMaybe();
    return this;
  }

  // Once ending and every write is done, the socket shuts its side down (Writable's _final),
  // in the context of whatever completed last.
  _finishMaybe() {
    const ws = this._writableState;
    if (!ws.ending || ws.length > 0 || ws.writing || ws.buffered.length > 0) return;
    if (this.connecting || this._handle === null) return;
    this._shutdown();
  }

  _shutdown() {
    const ws = this._writableState;
    if (ws.shutdown || this.destroyed) return;
    ws.shutdown = true;
    // Nothing is left to write (writes complete at once), so libuv completes the shutdown
    // from its pending queue, without waiting for a poll.
    withTrigger(this._handle[asyncIdKey], loop.submitPending, 'SHUTDOWNWRAP', () => {
      ws.shutdownDone = true;
      sendEof(this);
      if (this.destroyed) return;
      loop.nextTick(() => {
        ws.finished = true;
        for (const f of ws.onFinished.splice(0)) f();
        this.emit('finish');
        if (this._readableState.endEmitted) this.destroy();
      });
    });
  }

  destroySoon() {
    if (this.writable) this.end();
    if (this._writableState.finished) this.destroy();
    else this.once('finish', () => this.destroy());
  }

  // After 'end': without allowHalfOpen the socket ends its side too; once both sides are done
  // it is destroyed.
  _afterEnd() {
    if (this.writable && !this.allowHalfOpen) loop.nextTick(() => this.end());
    else if (this._writableState.finished) this.destroy();
  }

  // Bytes read (native): into the stream under the socket's handle, or straight to a consumer
  // (the http server's parser reads the handle itself, as Node's does).
  _onRead(chunk, n) {
    if (this.destroyed || this._handle === null) return;
    this.bytesRead += n;
    this._touch();
    if (this._consumer) this._consumer(asText(chunk));
    else loop.makeCallback(this._handle, () => this.push(chunk));
  }

  // The server closed before accepting this connection (native).
  _onReset() {
    if (this.destroyed || this._handle === null) return;
    const err = new Error('read ECONNRESET');
    err.errno = -104;
    err.code = 'ECONNRESET';
    err.syscall = 'read';
    loop.makeCallback(this._handle, () => this.destroy(err));
  }

  _onEof() {
    if (this.destroyed || this._handle === null || this._readableState.ended) return;
    loop.makeCallback(this._handle, () => this.push(null));
  }

  destroy(err) {
    if (this.destroyed) return this;
    this.destroyed = true;
    this.readable = false;
    this.connecting = false;
    this._clearTimer();
    this._writeQueue = [];
    sendEof(this);
    // The stream's own bookkeeping tick (which carries the error, if any) comes before the
    // server hears of the closed connection.
    loop.nextTick(() => {
      if (err) this.emit('error', err);
    });
    if (this._server !== null) {
      this._server._connections--;
      this._server._emitCloseIfDrained();
    }
    const handle = this._handle;
    if (handle !== null) {
      this._handle = null;
      if (this._refed) loop.refHandle(-1);
      loop.closeHandle(handle, () => this.emit('close', !!err));
    } else {
      loop.nextTick(() => this.emit('close', !!err));
    }
    return this;
  }

  resetAndDestroy() {
    return this.destroy();
  }

  address() {
    if (this.localAddress === undefined) return {};
    return { address: this.localAddress, family: familyOf(this.localAddress), port: this.localPort };
  }

  ref() {
    if (!this._refed) {
      this._refed = true;
      if (this._handle !== null) loop.refHandle(1);
    }
    return this;
  }

  unref() {
    if (this._refed) {
      this._refed = false;
      if (this._handle !== null) loop.refHandle(-1);
    }
    return this;
  }

  // An unrefed idle timer made in the caller's context (so 'timeout' runs there), pushed back
  // by every read and write.
  setTimeout(ms, cb) {
    ms = Number(ms);
    if (!(ms >= 0) || ms > 2 ** 31 - 1) {
      throw nodeError(
        RangeError,
        'ERR_OUT_OF_RANGE',
        `The value of "msecs" is out of range. It must be a non-negative finite number. Received ${ms}`,
      );
    }
    this.timeout = ms;
    this._clearTimer();
    if (ms === 0) {
      if (typeof cb === 'function') this.removeListener('timeout', cb);
    } else {
      const timer = new loop.Timeout(() => {
        if (this._timer === timer && !this.destroyed) this.emit('timeout');
      }, ms, undefined, false, false);
      loop.armUnrefed(timer);
      this._timer = timer;
      if (typeof cb === 'function') this.once('timeout', cb);
    }
    return this;
  }
  _clearTimer() {
    if (this._timer !== null) {
      loop.clearTimeout(this._timer);
      this._timer = null;
    }
  }
  _touch() {
    if (this._timer !== null) this._timer.refresh();
  }
  setNoDelay() {
    return this;
  }
  setKeepAlive() {
    return this;
  }
}

// A connection arrives (native): the accepted handle is made outside any callback, triggered
// by the server; then the server's onconnection runs under the server's handle.
function accept(server, client, address) {
  const handle = withTrigger(server._asyncId, () => new TCP(server._pipe !== null ? 'PIPEWRAP' : 'TCPWRAP'));
  loop.makeCallback(server._handle, () => {
    const socket = new Socket({ handle, allowHalfOpen: server.allowHalfOpen });
    const clientPort = client.localPort;
    // A server on the IPv6 any-address sees IPv4 peers as mapped addresses.
    const seen = server._host === null && isIPv4(address) ? `::ffff:${address}` : address;
    socket._peer = client;
    client._peer = socket;
    if (server._pipe !== null) {
      socket._pipe = true;
      socket._capacity = PIPE_CAPACITY;
    } else {
      client.localPort = clientPort;
      socket.localAddress = seen;
      socket.localPort = server._port;
      socket.remoteAddress = seen;
      socket.remotePort = clientPort;
      socket.remoteFamily = familyOf(seen);
    }
    socket.server = server;
    socket._server = server;
    for (const c of client._unaccepted.splice(0)) deliver(socket, c, chunkLength(c));
    if (client._writableState.shutdownDone || client.destroyed) sendEof(client);
    server._connections++;
    if (server.pauseOnConnect) socket.pause();
    server.emit('connection', socket);
  });
}

// ---- servers ------------------------------------------------------------------------------

class Server extends EventEmitter {
  constructor(options, connectionListener) {
    super();
    if (typeof options === 'function') {
      connectionListener = options;
      options = {};
    }
    options = options || {};
    this.allowHalfOpen = !!options.allowHalfOpen;
    this.pauseOnConnect = !!options.pauseOnConnect;
    this._handle = null;
    this._asyncId = -1;
    this._connections = 0;
    this._port = null;
    this._host = null;
    this._pipe = null; // the Unix socket path it listens on
    this._refed = true;
    this._backlog = []; // [client socket, address] connected but not accepted yet
    this._acceptScheduled = false;
    this.maxConnections = undefined;
    if (typeof connectionListener === 'function') this.on('connection', connectionListener);
  }

  get listening() {
    return this._handle !== null;
  }

  listen(...args) {
    const cb = typeof args[args.length - 1] === 'function' ? args.pop() : undefined;
    let port;
    let host;
    const path = args[0] !== null && typeof args[0] === 'object' ? args[0].path : args[0];
    if (typeof path === 'string' && !/^\s*\d+\s*$/.test(path)) {
      if (this._handle !== null) {
        throw nodeError(
          Error,
          'ERR_SERVER_ALREADY_LISTEN',
          'Listen method has been called more than once without closing.',
        );
      }
      if (cb) this.once('listening', cb);
      this._setupPipe(path);
      return this;
    }
    if (args[0] !== null && typeof args[0] === 'object') {
      port = args[0].port;
      host = args[0].host;
    } else {
      port = args[0];
      if (typeof args[1] === 'string') host = args[1];
    }
    port = validPort(port);
    if (this._handle !== null) {
      throw nodeError(
        Error,
        'ERR_SERVER_ALREADY_LISTEN',
        'Listen method has been called more than once without closing.',
      );
    }
    if (cb) this.once('listening', cb);
    if (host === undefined || host === null) this._setupListen(port, null);
    else if (isIP(host)) loop.nextTick(() => this._setupListen(port, host)); // dns.lookup of an IP
    else {
      loop.submitIo('GETADDRINFOREQWRAP', () => {
        const address = resolveName(host);
        if (address === null) this.emit('error', notFound(host));
        else this._setupListen(port, address);
      });
    }
    return this;
  }

  _setupListen(port, host) {
    if (port !== 0 && listening.has(port)) {
      const err = uvException('EADDRINUSE', 'listen', host || '::', port);
      loop.nextTick(() => this.emit('error', err));
      return;
    }
    if (port === 0) port = allocatePort();
    this._handle = new TCP('TCPSERVERWRAP');
    this._asyncId = this._handle[asyncIdKey];
    if (this._refed) loop.refHandle(1);
    this._port = port;
    this._host = host;
    listening.set(port, this);
    withTrigger(this._asyncId, loop.nextTick, () => {
      if (this._handle !== null) this.emit('listening');
    });
  }

  // A Unix socket path: the handle is made at once, in the caller's context.
  _setupPipe(path) {
    if (pipes.has(path)) {
      const err = uvException('EADDRINUSE', 'listen', path);
      loop.nextTick(() => this.emit('error', err));
      return;
    }
    this._handle = new TCP('PIPESERVERWRAP');
    this._asyncId = this._handle[asyncIdKey];
    if (this._refed) loop.refHandle(1);
    this._pipe = path;
    pipes.set(path, this);
    withTrigger(this._asyncId, loop.nextTick, () => {
      if (this._handle !== null) this.emit('listening');
    });
  }

  _enqueue(client, address) {
    this._backlog.push([client, address]);
    if (!this._acceptScheduled) {
      this._acceptScheduled = true;
      loop.submitNative(() => this._acceptOne());
    }
  }

  // Node's server takes one connection per poll phase.
  _acceptOne() {
    this._acceptScheduled = false;
    if (this._handle === null || this._backlog.length === 0) return;
    const [client, address] = this._backlog.shift();
    accept(this, client, address);
    if (this._backlog.length > 0 && this._handle !== null) {
      this._acceptScheduled = true;
      loop.submitNative(() => this._acceptOne());
    }
  }

  address() {
    if (this._handle === null) return null;
    if (this._pipe !== null) return this._pipe;
    const address = this._host === null ? '::' : this._host;
    return { address, family: familyOf(address), port: this._port };
  }

  close(cb) {
    if (typeof cb === 'function') {
      if (this._handle === null) {
        this.once('close', () =>
          cb(nodeError(Error, 'ERR_SERVER_NOT_RUNNING', 'Server is not running.')));
      } else {
        this.once('close', cb);
      }
    }
    if (this._handle !== null) {
      const handle = this._handle;
      this._handle = null;
      if (this._pipe !== null) pipes.delete(this._pipe);
      else listening.delete(this._port);
      if (this._refed) loop.refHandle(-1);
      loop.closeHandle(handle, null);
      // Connections nobody accepted are reset.
      for (const [client] of this._backlog.splice(0)) loop.submitNative(() => client._onReset());
    }
    this._emitCloseIfDrained();
    return this;
  }

  _emitCloseIfDrained() {
    if (this._handle !== null || this._connections > 0) return;
    withTrigger(this._asyncId, loop.nextTick, () => this.emit('close'));
  }

  getConnections(cb) {
    loop.nextTick(cb, null, this._connections);
    return this;
  }

  ref() {
    if (!this._refed) {
      this._refed = true;
      if (this._handle !== null) loop.refHandle(1);
    }
    return this;
  }

  unref() {
    if (this._refed) {
      this._refed = false;
      if (this._handle !== null) loop.refHandle(-1);
    }
    return this;
  }
}

function createServer(options, connectionListener) {
  return new Server(options, connectionListener);
}

function connect(...args) {
  const [options] = normalizeConnectArgs(args);
  const socket = new Socket(options);
  return socket.connect(...args);
}

internal.net = {
  Readable,
  Socket,
  Server,
  TCP,
  utf8Length,
  toText,
  module: {
    createServer,
    Server,
    Socket,
    Stream: Socket,
    connect,
    createConnection: connect,
    isIP,
    isIPv4,
    isIPv6,
  },
};
