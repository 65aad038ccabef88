// node:http over the loopback network of net.js: real HTTP/1.1 text on the virtual wire, a
// small incremental parser on each side. As in Node, the server's parser is an
// HTTPINCOMINGMESSAGE resource (triggered by the connection) that reads the socket itself, so
// 'request' runs in the context the server was listening in; the client's parser is an
// HTTPCLIENTREQUEST resource made on the tick after http.request(), so the response runs in the
// caller's context. Requests go through an Agent as in Node: `agent: false` gives a fresh agent
// and `Connection: close`; a keepAlive agent keeps finished sockets in a free list and hands
// them to later requests, re-initialising the socket's handle in the new request's context
// (Node's asyncResetHandle), and queues requests beyond maxSockets in a QueuedRequest
// resource that carries their context to the socket they get later (spec: HTTP-AGENT-*).

const { nodeError } = internal.errors;
const ah = internal.asyncHooks;
const loop = internal.loop;
const { EventEmitter } = internal.events;
const net = internal.need('net', 'internal/net.js');
const { utf8Length, toText } = net;
const { asyncIdKey } = ah;

const STATUS_CODES = {
  100: 'Continue', 101: 'Switching Protocols', 200: 'OK', 201: 'Created', 202: 'Accepted',
  204: 'No Content', 206: 'Partial Content', 301: 'Moved Permanently', 302: 'Found',
  303: 'See Other', 304: 'Not Modified', 307: 'Temporary Redirect', 308: 'Permanent Redirect',
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 408: 'Request Timeout', 409: 'Conflict', 410: 'Gone',
  413: 'Payload Too Large', 415: 'Unsupported Media Type', 418: "I'm a Teapot",
  429: 'Too Many Requests', 500: 'Internal Server Error', 501: 'Not Implemented',
  502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};
const METHODS = ['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE'];
// Requests with these methods send no body framing unless asked to (Node's default).
const NO_BODY_BY_DEFAULT = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']);

function connResetException(message) {
  const e = new Error(message);
  e.code = 'ECONNRESET';
  return e;
}

// ---- the parser ---------------------------------------------------------------------------

// The parser's async resource; its callbacks run under it.
class HTTPParser {
  constructor(type, kind) {
    loop.initAsyncResource(this, type);
    this.kind = kind; // 'request' (server side) or 'response' (client side)
    this.buf = '';
    this.phase = 'head';
    this.remaining = 0;
    this.onHeaders = null; // (info) -> true to expect no body
    this.onBody = null;
    this.onComplete = null;
    this.freed = false;
  }

  call(fn, arg) {
    return loop.makeCallback(this, fn, arg);
  }

  execute(text) {
    this.buf += text;
    for (;;) {
      const { phase } = this;
      if (phase === 'head') {
        const end = this.buf.indexOf('\r\n\r\n');
        if (end < 0) return null;
        const info = parseHead(this.kind, this.buf.slice(0, end));
        this.buf = this.buf.slice(end + 4);
        if (info === null) return nodeError(Error, 'HPE_INVALID_CONSTANT', 'Parse Error');
        const noBody = this.call(this.onHeaders, info);
        this.startBody(info, noBody);
      } else if (phase === 'length' || phase === 'chunk') {
        if (this.buf === '') return null;
        const [part, bytes] = takeBytes(this.buf, this.remaining);
        this.buf = this.buf.slice(part.length);
        this.remaining -= bytes;
        this.call(this.onBody, part);
        if (this.remaining === 0) {
          if (phase === 'length') this.complete();
          else this.phase = 'chunk-end';
        }
      } else if (phase === 'chunk-size') {
        const i = this.buf.indexOf('\r\n');
        if (i < 0) return null;
        const size = parseInt(this.buf.slice(0, i).split(';')[0], 16);
        this.buf = this.buf.slice(i + 2);
        if (!(size >= 0)) return nodeError(Error, 'HPE_INVALID_CHUNK_SIZE', 'Parse Error');
        if (size === 0) this.phase = 'trailer';
        else {
          this.phase = 'chunk';
          this.remaining = size;
        }
      } else if (phase === 'chunk-end') {
        if (this.buf.length < 2) return null;
        this.buf = this.buf.slice(2);
        this.phase = 'chunk-size';
      } else if (phase === 'trailer') {
        if (this.buf.startsWith('\r\n')) this.buf = this.buf.slice(2);
        else {
          const i = this.buf.indexOf('\r\n\r\n');
          if (i < 0) return null;
          this.buf = this.buf.slice(i + 4);
        }
        this.complete();
      } else {
        // 'eof': the body runs to the end of the connection
        if (this.buf !== '') {
          const part = this.buf;
          this.buf = '';
          this.call(this.onBody, part);
        }
        return null;
      }
    }
  }

  startBody(info, noBody) {
    const te = info.headers['transfer-encoding'];
    const len = info.headers['content-length'];
    const bodiless = info.statusCode !== null &&
      ((info.statusCode >= 100 && info.statusCode < 200) || info.statusCode === 204 ||
        info.statusCode === 304);
    if (noBody || bodiless) this.complete();
    else if (te !== undefined && /chunked/i.test(te)) this.phase = 'chunk-size';
    else if (len !== undefined && Number(len) > 0) {
      this.phase = 'length';
      this.remaining = Number(len);
    } else if (len !== undefined || this.kind === 'request' || info.keepAlive) this.complete();
    else this.phase = 'eof';
  }

  complete() {
    this.phase = 'head';
    this.call(this.onComplete);
  }

  // End of the connection: a body that runs to it is complete now.
  finish() {
    if (this.phase === 'eof') this.complete();
  }

  free() {
    if (this.freed) return;
    this.freed = true;
    if (ah.destroyHooksExist()) ah.emitDestroy(this[asyncIdKey]);
  }
}

// The longest prefix of `s` holding at most `max` UTF-8 bytes, and its byte count.
function takeBytes(s, max) {
  if (utf8Length(s) <= max) return [s, utf8Length(s)];
  let bytes = 0;
  let i = 0;
  while (i < s.length) {
    const n = utf8Length(s.slice(i, s.codePointAt(i) > 0xffff ? i + 2 : i + 1));
    if (bytes + n > max) break;
    bytes += n;
    i += s.codePointAt(i) > 0xffff ? 2 : 1;
  }
  return [s.slice(0, i), bytes];
}

// Headers whose repeats Node drops rather than joins.
const SINGLE = new Set([
  'content-type', 'content-length', 'user-agent', 'referer', 'host', 'authorization',
  'proxy-authorization', 'if-modified-since', 'if-unmodified-since', 'from', 'location',
  'max-forwards', 'retry-after', 'etag', 'last-modified', 'server', 'age', 'expires',
]);

function parseHead(kind, head) {
  const lines = head.split('\r\n');
  const info = {
    method: null,
    url: null,
    statusCode: null,
    statusMessage: null,
    major: 1,
    minor: 1,
    headers: Object.create(null),
    rawHeaders: [],
    keepAlive: false,
  };
  if (kind === 'request') {
    const m = /^([A-Z]+) (\S+) HTTP\/(\d)\.(\d)$/.exec(lines[0]);
    if (!m) return null;
    info.method = m[1];
    info.url = m[2];
    info.major = +m[3];
    info.minor = +m[4];
  } else {
    const m = /^HTTP\/(\d)\.(\d) (\d{3})(?: (.*))?$/.exec(lines[0]);
    if (!m) return null;
    info.major = +m[1];
    info.minor = +m[2];
    info.statusCode = +m[3];
    info.statusMessage = m[4] || '';
  }
  for (let i = 1; i < lines.length; i++) {
    const colon = lines[i].indexOf(':');
    if (colon <= 0) return null;
    const name = lines[i].slice(0, colon).trim();
    const value = lines[i].slice(colon + 1).trim();
    info.rawHeaders.push(name, value);
    const key = name.toLowerCase();
    const known = info.headers[key];
    if (key === 'set-cookie') info.headers[key] = known ? [...known, value] : [value];
    else if (known === undefined) info.headers[key] = value;
    else if (!SINGLE.has(key)) info.headers[key] = `${known}, ${value}`;
  }
  const connection = (info.headers.connection || '').toLowerCase();
  info.keepAlive = info.major === 1 && info.minor >= 1
    ? !connection.includes('close')
    : connection.includes('keep-alive');
  return info;
}

// ---- IncomingMessage ----------------------------------------------------------------------

class IncomingMessage extends net.Readable {
  constructor(socket) {
    super();
    this.socket = socket;
    this.httpVersionMajor = 1;
    this.httpVersionMinor = 1;
    this.httpVersion = '1.1';
    this.complete = false;
    this.rawHeaders = [];
    this.rawTrailers = [];
    this.headers = {};
    this.trailers = {};
    this.aborted = false;
    this.upgrade = false;
    this.url = '';
    this.method = null;
    this.statusCode = null;
    this.statusMessage = null;
    this._dumped = false;
  }

  get connection() {
    return this.socket;
  }

  _fill(info) {
    this.httpVersionMajor = info.major;
    this.httpVersionMinor = info.minor;
    this.httpVersion = `${info.major}.${info.minor}`;
    this.rawHeaders = info.rawHeaders;
    this.headers = Object.assign({}, info.headers);
    if (info.method !== null) {
      this.method = info.method;
      this.url = info.url;
    } else {
      this.statusCode = info.statusCode;
      this.statusMessage = info.statusMessage;
    }
  }

  setTimeout(ms, cb) {
    if (typeof cb === 'function') this.once('timeout', cb);
    return this;
  }

  // Read and drop the rest of the body, so that the message can end and close.
  _dump() {
    if (this._dumped) return;
    this._dumped = true;
    this.removeAllListeners('data');
    this.resume();
  }

  destroy(err) {
    if (this.destroyed) return this;
    if (!this.readableEnded || !this.complete) {
      this.aborted = true;
      this.emit('aborted');
    }
    return super.destroy(err);
  }

  // Node emits a destroy error only when someone listens for it.
  _emitsDestroyError() {
    return this.listenerCount('error') > 0;
  }
}

// ---- OutgoingMessage ----------------------------------------------------------------------

const kHeaders = Symbol('kHeaders');

class OutgoingMessage extends EventEmitter {
  constructor() {
    super();
    this[kHeaders] = new Map(); // lower-case name -> [name, value]
    this._header = null; // the header block, once decided
    this._headerWritten = false;
    this._out = []; // [text, cb] written before a socket is attached
    this._chunked = false;
    this._keepAlive = false;
    this._hasBody = true;
    this._chunkedByDefault = true;
    this.socket = null;
    this.finished = false;
    this.writableEnded = false;
    this.writableFinished = false;
    this.destroyed = false;
    this.sendDate = false;
  }

  get headersSent() {
    return this._header !== null;
  }
  get connection() {
    return this.socket;
  }

  setHeader(name, value) {
    if (this._header !== null) {
      throw nodeError(
        Error,
        'ERR_HTTP_HEADERS_SENT',
        'Cannot set headers after they are sent to the client',
      );
    }
    this[kHeaders].set(String(name).toLowerCase(), [String(name), value]);
    return this;
  }
  appendHeader(name, value) {
    const key = String(name).toLowerCase();
    const known = this[kHeaders].get(key);
    if (known === undefined) return this.setHeader(name, value);
    const list = Array.isArray(known[1]) ? known[1] : [known[1]];
    known[1] = list.concat(value);
    return this;
  }
  getHeader(name) {
    const h = this[kHeaders].get(String(name).toLowerCase());
    return h === undefined ? undefined : h[1];
  }
  getHeaders() {
    const out = Object.create(null);
    for (const [key, [, value]] of this[kHeaders]) out[key] = value;
    return out;
  }
  getHeaderNames() {
    return [...this[kHeaders].keys()];
  }
  hasHeader(name) {
    return this[kHeaders].has(String(name).toLowerCase());
  }
  removeHeader(name) {
    this[kHeaders].delete(String(name).toLowerCase());
  }

  // The header block; `contentLength` is known when end() comes before any write().
  _storeHeader(firstLine, contentLength) {
    let text = firstLine;
    for (const [, [name, value]] of this[kHeaders]) {
      for (const v of Array.isArray(value) ? value : [value]) text += `${name}: ${v}\r\n`;
    }
    if (!this.hasHeader('connection')) {
      text += this._keepAlive ? 'Connection: keep-alive\r\n' : 'Connection: close\r\n';
      if (this._keepAlive && this instanceof ServerResponse) text += 'Keep-Alive: timeout=5\r\n';
    }
    const te = this.getHeader('transfer-encoding');
    if (te !== undefined) this._chunked = /chunked/i.test(String(te));
    else if (!this.hasHeader('content-length') && this._hasBody && this._chunkedByDefault) {
      if (contentLength !== undefined) text += `Content-Length: ${contentLength}\r\n`;
      else {
        text += 'Transfer-Encoding: chunked\r\n';
        this._chunked = true;
      }
    }
    this._header = `${text}\r\n`;
  }

  _frame(text) {
    if (!this._hasBody || text === '') return '';
    return this._chunked ? `${utf8Length(text).toString(16)}\r\n${text}\r\n` : text;
  }

  // Onto the socket, the header block first.
  _raw(text, cb) {
    if (!this._headerWritten) {
      this._headerWritten = true;
      text = this._header + text;
    }
    if (this.socket !== null && this._out === null) this.socket.write(text, cb);
    else this._out.push([text, cb]);
  }

  _flushTo(socket) {
    const out = this._out;
    this._out = null;
    for (const [text, cb] of out) socket.write(text, cb);
  }

  write(chunk, encoding, cb) {
    if (typeof encoding === 'function') cb = encoding;
    if (this.writableEnded) {
      const err = nodeError(Error, 'ERR_STREAM_WRITE_AFTER_END', 'write after end');
      loop.nextTick(() => {
        if (typeof cb === 'function') cb(err);
        this.emit('error', err);
      });
      return false;
    }
    if (this._header === null) this._implicitHeader();
    this._raw(this._frame(toText(chunk)), cb);
    return true;
  }

  end(chunk, encoding, cb) {
    if (typeof chunk === 'function') {
      cb = chunk;
      chunk = undefined;
    } else if (typeof encoding === 'function') {
      cb = encoding;
    }
    if (this.writableEnded) {
      if (typeof cb === 'function') loop.nextTick(cb);
      return this;
    }
    const text = chunk === undefined || chunk === null ? '' : toText(chunk);
    if (this._header === null) this._implicitHeader(utf8Length(text));
    let body = this._frame(text);
    if (this._chunked && this._hasBody) body += '0\r\n\r\n';
    this.writableEnded = true;
    this.finished = true;
    // end()'s callback runs just before the 'finish' listeners, whenever they were added.
    const onFinished = typeof cb === 'function' ? cb : null;
    // 'finish' when the socket has taken the last bytes (its write callback, a tick later).
    this._raw(body, (err) => {
      if (err) return;
      this.writableFinished = true;
      if (onFinished !== null) onFinished();
      this.emit('finish');
    });
    return this;
  }

  flushHeaders() {
    if (this._header === null) this._implicitHeader();
    this._raw('', undefined);
  }

  setTimeout(ms, cb) {
    if (typeof cb === 'function') this.once('timeout', cb);
    return this;
  }
}

// ---- ServerResponse -----------------------------------------------------------------------

class ServerResponse extends OutgoingMessage {
  constructor(req) {
    super();
    this.req = req;
    this.statusCode = 200;
    this.statusMessage = undefined;
    this.sendDate = true;
    if (req.method === 'HEAD') this._hasBody = false;
  }

  _assignSocket(socket) {
    this.socket = socket;
    socket._httpMessage = this;
    this._flushTo(socket);
  }

  _detachSocket(socket) {
    if (socket._httpMessage === this) socket._httpMessage = null;
    this.socket = null;
  }

  // Destroying a response destroys its connection.
  destroy(err) {
    if (this.destroyed) return this;
    this.destroyed = true;
    if (this.socket !== null) this.socket.destroy(err);
    return this;
  }

  writeHead(statusCode, reason, headers) {
    if (typeof reason !== 'string') {
      headers = reason;
      reason = undefined;
    }
    this.statusCode = statusCode;
    if (reason !== undefined) this.statusMessage = reason;
    if (Array.isArray(headers)) {
      for (let i = 0; i + 1 < headers.length; i += 2) this.setHeader(headers[i], headers[i + 1]);
    } else if (headers) {
      for (const k of Object.keys(headers)) this.setHeader(k, headers[k]);
    }
    this._implicitHeader();
    return this;
  }

  _implicitHeader(contentLength) {
    if (this.statusCode === 204 || this.statusCode === 304) this._hasBody = false;
    const message = this.statusMessage || STATUS_CODES[this.statusCode] || 'unknown';
    this.statusMessage = message;
    this._storeHeader(`HTTP/1.1 ${this.statusCode} ${message}\r\n`, contentLength);
  }
}

// ---- the server ---------------------------------------------------------------------------

class Server extends net.Server {
  constructor(options, requestListener) {
    if (typeof options === 'function') {
      requestListener = options;
      options = {};
    }
    super({ allowHalfOpen: true });
    this.httpAllowHalfOpen = false;
    this.timeout = 0;
    this.keepAliveTimeout = 5000;
    this.headersTimeout = 60000;
    this.requestTimeout = 300000;
    this.maxHeadersCount = null;
    this._checkInterval = null;
    this._httpConnections = new Set(); // [socket, state] of open connections
    if (typeof requestListener === 'function') this.on('request', requestListener);
    this.on('connection', connectionListener);
    this.on('listening', setupConnectionsTracking);
  }

  close(cb) {
    this.closeIdleConnections();
    if (this._checkInterval !== null) {
      loop.clearInterval(this._checkInterval);
      this._checkInterval = null;
    }
    return super.close(cb);
  }

  setTimeout(ms, cb) {
    this.timeout = ms;
    if (typeof cb === 'function') this.on('timeout', cb);
    return this;
  }

  closeAllConnections() {
    for (const conn of [...this._httpConnections]) conn.socket.destroy();
  }
  // A connection is idle between requests (or before its first one).
  closeIdleConnections() {
    for (const conn of [...this._httpConnections]) {
      if (conn.state.incoming.length === 0 && !conn.socket._httpMessage) conn.socket.destroy();
    }
  }
}

// Node checks header and request timeouts from an unrefed interval made when listening.
function setupConnectionsTracking() {
  if (this._checkInterval === null) {
    this._checkInterval = loop.setInterval(() => {}, 30000).unref();
  }
}

function connectionListener(socket) {
  const server = this;
  const state = { incoming: [], outgoing: [] };
  const conn = { socket, state };
  server._httpConnections.add(conn);
  const parser = ah.defaultTriggerAsyncIdScope(
    socket._handle[asyncIdKey],
    () => new HTTPParser('HTTPINCOMINGMESSAGE', 'request'),
  );
  let req = null;
  parser.onHeaders = (info) => {
    req = new IncomingMessage(socket);
    req._fill(info);
    onIncoming(server, socket, state, req, info.keepAlive);
    return false;
  };
  parser.onBody = (text) => req.push(text);
  parser.onComplete = () => {
    req.complete = true;
    req.push(null);
  };
  // The parser reads the socket's handle itself.
  socket._consumer = (text) => {
    const err = parser.execute(text);
    // Node's consuming parser calls back into JS once more after every read it executes.
    if (!parser.freed) parser.call(() => {});
    if (err) {
      if (server.listenerCount('clientError') > 0) {
        loop.makeCallback(parser, () => server.emit('clientError', err, socket));
      } else socket.destroy();
    }
  };
  socket.on('end', () => {
    parser.finish();
    for (const r of state.incoming.splice(0)) if (!r.complete) r.destroy();
    if (socket.writable && socket._httpMessage === null) socket.end();
  });
  socket.on('error', () => {});
  socket.on('close', () => {
    server._httpConnections.delete(conn);
    for (const r of state.incoming.splice(0)) r.destroy();
    parser.free();
  });
  // An idle keep-alive connection times out (only armed once a response has finished).
  socket.on('timeout', () => socket.destroy());
  socket._httpMessage = null;
}

function onIncoming(server, socket, state, req, keepAlive) {
  const res = new ServerResponse(req);
  res._keepAlive = keepAlive;
  state.incoming.push(req);
  res.on('finish', () => resOnFinish(server, socket, state, req, res));
  if (socket._httpMessage) state.outgoing.push(res);
  else res._assignSocket(socket);
  server.emit('request', req, res);
}

function resOnFinish(server, socket, state, req, res) {
  const i = state.incoming.indexOf(req);
  if (i !== -1) state.incoming.splice(i, 1);
  const rs = req._readableState;
  if (!rs.consuming && !rs.flowing && !rs.resumeScheduled) req._dump();
  res._detachSocket(socket);
  loop.nextTick(() => {
    if (res.destroyed) return;
    res.destroyed = true;
    res.emit('close');
  });
  if (!res._keepAlive) socket.destroySoon();
  else if (state.outgoing.length > 0) state.outgoing.shift()._assignSocket(socket);
  else if (server.keepAliveTimeout) socket.setTimeout(server.keepAliveTimeout + 1000);
}

function createServer(options, requestListener) {
  return new Server(options, requestListener);
}

// ---- the client ---------------------------------------------------------------------------

function parseUrl(s) {
  const m = /^([a-z][a-z0-9+.-]*:)\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^:/?#]*)(?::(\d*))?([^#]*)/i.exec(s);
  if (!m) {
    const e = nodeError(TypeError, 'ERR_INVALID_URL', 'Invalid URL');
    e.input = s;
    throw e;
  }
  let path = m[4] || '/';
  if (!path.startsWith('/')) path = `/${path}`;
  return {
    protocol: m[1].toLowerCase(),
    hostname: m[2].replace(/^\[|\]$/g, ''),
    port: m[3] ? Number(m[3]) : undefined,
    path,
  };
}

class ClientRequest extends OutgoingMessage {
  constructor(input, options, cb) {
    super();
    if (typeof input === 'string') input = parseUrl(input);
    else if (input && typeof input.href === 'string' && input.searchParams) {
      input = parseUrl(input.href);
    } else {
      cb = options;
      options = input;
      input = null;
    }
    if (typeof options === 'function') {
      cb = options;
      options = input || {};
    } else {
      options = Object.assign({}, input || {}, options || {});
    }
    const protocol = options.protocol || 'http:';
    if (protocol !== 'http:') {
      throw nodeError(
        TypeError,
        'ERR_INVALID_PROTOCOL',
        `Protocol "${protocol}" not supported. Expected "http:"`,
      );
    }
    const host = options.hostname || options.host || 'localhost';
    const port = options.port === undefined || options.port === null ? 80 : Number(options.port);
    this.method = String(options.method || 'GET').toUpperCase();
    this.path = options.path || '/';
    this.host = host;
    this.protocol = protocol;
    this.aborted = false;
    this.reusedSocket = false;
    this.res = null;
    this._hadError = false;
    this._parser = null;
    this._chunkedByDefault = !NO_BODY_BY_DEFAULT.has(this.method);
    if (typeof cb === 'function') this.once('response', cb);
    const headers = options.headers;
    if (Array.isArray(headers)) {
      for (let i = 0; i + 1 < headers.length; i += 2) this.setHeader(headers[i], headers[i + 1]);
    } else if (headers) {
      for (const k of Object.keys(headers)) this.setHeader(k, headers[k]);
    }
    if (!this.hasHeader('host') && options.setHost !== false) {
      this.setHeader('Host', port === 80 ? host : `${host}:${port}`);
    }
    let agent = options.agent;
    if (agent === false) agent = new Agent();
    else if (agent === undefined || agent === null) agent = globalAgent;
    this.agent = agent;
    // Only an agent that may reuse the connection asks to keep it alive.
    this.shouldKeepAlive = agent.keepAlive || Number.isFinite(agent.maxSockets);
    this._keepAlive = this.shouldKeepAlive;
    this._handlers = null; // the listeners this request put on its socket
    // The agent gives a socket now (a new connection, a free one) or later (queued); the
    // request takes it over on the tick after that.
    agent.addRequest(this, { host, port });
    // An aborted signal destroys the request with an AbortError, in the aborter's context.
    const signal = options.signal;
    if (signal) {
      const onAbort = () => {
        const e = new Error('The operation was aborted');
        e.name = 'AbortError';
        e.code = 'ABORT_ERR';
        e.cause = signal.reason;
        this.destroy(e);
      };
      if (signal.aborted) onAbort();
      else {
        signal.addEventListener('abort', onAbort, { once: true });
        this.once('close', () => signal.removeEventListener('abort', onAbort));
      }
    }
  }

  onSocket(socket) {
    loop.nextTick(() => this._onSocket(socket));
  }

  _implicitHeader(contentLength) {
    this._storeHeader(`${this.method} ${this.path} HTTP/1.1\r\n`, contentLength);
  }

  _onSocket(socket) {
    if (this.destroyed) {
      socket.destroy();
      return;
    }
    const parser = new HTTPParser('HTTPCLIENTREQUEST', 'response');
    this._parser = parser;
    this.socket = socket;
    socket._httpMessage = this;
    parser.onHeaders = (info) => this._onResponse(info);
    parser.onBody = (text) => this.res.push(text);
    parser.onComplete = () => {
      this.res.complete = true;
      this.res.push(null);
    };
    const handlers = {
      data: (chunk) => {
        const err = parser.execute(String(chunk));
        if (err) {
          this._error(err);
          socket.destroy();
        } else if (this.res !== null && this.res.complete && this.shouldKeepAlive) {
          // The response is complete: the socket no longer feeds this request's parser.
          socket.removeListener('data', handlers.data);
          socket.removeListener('end', handlers.end);
          parser.free();
        }
      },
      end: () => {
        if (this.res === null) this._error(connResetException('socket hang up'));
        parser.finish();
        socket.destroy();
      },
      error: (err) => this._error(err),
      close: () => this._onSocketClose(),
    };
    this._handlers = handlers;
    socket.on('data', handlers.data);
    socket.on('end', handlers.end);
    socket.on('error', handlers.error);
    socket.on('close', handlers.close);
    this.emit('socket', socket);
    this._flushTo(socket);
  }

  // The response ended on a connection both sides keep: detach from the socket and, on the
  // next tick (triggered by the socket), close the request and give the socket back.
  _keepSocket() {
    const socket = this.socket;
    const h = this._handlers;
    for (const type of ['close', 'error', 'data', 'end']) socket.removeListener(type, h[type]);
    const id = socket._handle !== null ? socket._handle[asyncIdKey] : undefined;
    ah.defaultTriggerAsyncIdScope(id, loop.nextTick, () => {
      this.emit('close');
      if (this.socket !== null) this.socket.emit('free');
    });
    this.destroyed = true;
    if (this.res !== null) this.res.socket = null;
  }

  _onResponse(info) {
    const res = new IncomingMessage(this.socket);
    res._fill(info);
    res.req = this;
    this.res = res;
    // The server must agree to keep the connection.
    if (this.shouldKeepAlive && !info.keepAlive) this.shouldKeepAlive = false;
    res.on('end', () => {
      const socket = this.socket;
      if (socket === null) return;
      if (!this.shouldKeepAlive) {
        if (socket.writable) socket.destroySoon();
      } else if (this.finished && !this.aborted) this._keepSocket();
    });
    if (this.aborted || !this.emit('response', res)) res._dump();
    return this.method === 'HEAD';
  }

  _error(err) {
    if (this._hadError) return;
    this._hadError = true;
    this.emit('error', err);
  }

  _onSocketClose() {
    const res = this.res;
    if (res !== null) {
      if (!res.complete) res.destroy(connResetException('aborted'));
    } else {
      this._error(connResetException('socket hang up'));
    }
    this.destroyed = true;
    this.emit('close');
    if (this._parser !== null) this._parser.free();
  }

  abort() {
    if (this.aborted) return;
    this.aborted = true;
    loop.nextTick(() => this.emit('abort'));
    this.destroy();
  }

  destroy(err) {
    if (this.destroyed) return this;
    this.destroyed = true;
    if (this.socket !== null) this.socket.destroy(err);
    return this;
  }

  // The socket's idle timeout, set once the socket is connected; its 'timeout' becomes the
  // request's.
  setTimeout(ms, cb) {
    if (typeof cb === 'function') this.once('timeout', cb);
    const arm = (socket) => {
      if (!this._listensTimeout) {
        this._listensTimeout = true;
        socket.once('timeout', () => this.emit('timeout'));
      }
      if (socket.connecting) socket.once('connect', () => socket.setTimeout(ms));
      else socket.setTimeout(ms);
    };
    if (this.socket !== null) arm(this.socket);
    else this.once('socket', arm);
    return this;
  }

  setNoDelay() {}
  setSocketKeepAlive() {}
}

function request(input, options, cb) {
  return new ClientRequest(input, options, cb);
}

function get(input, options, cb) {
  const req = request(input, options, cb);
  req.end();
  return req;
}

// ---- the agent ----------------------------------------------------------------------------

const kQueuedResource = Symbol('kQueuedResource');
const kQueuedOptions = Symbol('kQueuedOptions');

// Node's asyncResetHandle: a reused handle gets a new async id, triggered by and carrying the
// context of the code that reuses it; the old id is destroyed.
function asyncResetHandle(socket) {
  const handle = socket._handle;
  if (handle === null) return;
  if (ah.destroyHooksExist()) ah.emitDestroy(handle[asyncIdKey]);
  loop.initAsyncResource(handle, 'TCPWRAP');
}

function setRequestSocket(agent, req, socket) {
  req.onSocket(socket);
}

class Agent extends EventEmitter {
  constructor(options) {
    super();
    this.defaultPort = 80;
    this.protocol = 'http:';
    this.options = Object.assign({}, options);
    this.keepAlive = !!this.options.keepAlive;
    this.keepAliveMsecs = this.options.keepAliveMsecs || 1000;
    this.maxSockets = this.options.maxSockets || Infinity;
    this.maxFreeSockets = this.options.maxFreeSockets || 256;
    this.scheduling = this.options.scheduling || 'lifo';
    this.maxTotalSockets = Infinity;
    this.totalSocketCount = 0;
    this.sockets = Object.create(null);
    this.freeSockets = Object.create(null);
    this.requests = Object.create(null);
    this.on('free', (socket, opts) => this._onFree(socket, opts));
  }

  getName(options) {
    return `${options.host || 'localhost'}:${options.port || ''}:`;
  }

  addRequest(req, options) {
    options = Object.assign({}, options, this.options);
    const name = this.getName(options);
    if (!this.sockets[name]) this.sockets[name] = [];
    const free = this.freeSockets[name];
    let socket;
    if (free) {
      while (free.length && free[0].destroyed) free.shift();
      socket = this.scheduling === 'fifo' ? free.shift() : free.pop();
      if (!free.length) delete this.freeSockets[name];
    }
    const freeLen = free ? free.length : 0;
    const sockLen = freeLen + this.sockets[name].length;
    if (socket) {
      asyncResetHandle(socket);
      this.reuseSocket(socket, req);
      setRequestSocket(this, req, socket);
      this.sockets[name].push(socket);
      this.totalSocketCount++;
    } else if (sockLen < this.maxSockets) {
      this.createSocket(req, options, (err, s) => setRequestSocket(this, req, s));
    } else {
      // Over the limit: the request waits, its context kept in a resource of its own.
      if (!this.requests[name]) this.requests[name] = [];
      req[kQueuedOptions] = options;
      req[kQueuedResource] = new ah.AsyncResource('QueuedRequest');
      this.requests[name].push(req);
    }
  }

  createSocket(req, options, cb) {
    options = Object.assign({}, options, this.options);
    const name = this.getName(options);
    const s = net.module.createConnection({ host: options.host, port: options.port });
    if (!this.sockets[name]) this.sockets[name] = [];
    this.sockets[name].push(s);
    this.totalSocketCount++;
    installListeners(this, s, options);
    cb(null, s);
  }

  _onFree(socket, options) {
    const name = this.getName(options);
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const queue = this.requests[name];
    if (queue && queue.length) {
      const req = queue.shift();
      const resource = req[kQueuedResource];
      if (resource) {
        resource.runInAsyncScope(() => {
          asyncResetHandle(socket);
          setRequestSocket(this, req, socket);
        });
        req[kQueuedResource] = null;
      } else setRequestSocket(this, req, socket);
      if (queue.length === 0) delete this.requests[name];
      return;
    }
    const req = socket._httpMessage;
    if (!req || !req.shouldKeepAlive || !this.keepAlive) {
      socket.destroy();
      return;
    }
    const free = this.freeSockets[name] || [];
    const count = free.length + (this.sockets[name] ? this.sockets[name].length : 0);
    if (count > this.maxSockets || free.length >= this.maxFreeSockets || !this.keepSocketAlive(socket)) {
      socket.destroy();
      return;
    }
    this.freeSockets[name] = free;
    socket._httpMessage = null;
    this.removeSocket(socket, options);
    socket.once('error', freeSocketErrorListener);
    free.push(socket);
  }

  removeSocket(s, options) {
    const name = this.getName(options);
    const sets = [this.sockets];
    if (!s.writable) sets.push(this.freeSockets);
    for (const sockets of sets) {
      const list = sockets[name];
      if (!list) continue;
      const i = list.indexOf(s);
      if (i !== -1) {
        list.splice(i, 1);
        if (list.length === 0) delete sockets[name];
        this.totalSocketCount--;
      }
    }
    // A closed socket makes room for a waiting request: a new connection for it.
    const queue = this.requests[name];
    if (queue && queue.length && !s.writable) {
      const req = queue[0];
      const opts = req[kQueuedOptions];
      req[kQueuedOptions] = undefined;
      if (opts) this.createSocket(req, opts, (err, socket) => socket.emit('free'));
    }
  }

  keepSocketAlive(socket) {
    socket.setKeepAlive(true, this.keepAliveMsecs);
    socket.unref();
    const timeout = this.options.timeout || 0;
    if (socket.timeout !== timeout) socket.setTimeout(timeout);
    return true;
  }

  reuseSocket(socket, req) {
    socket.removeListener('error', freeSocketErrorListener);
    req.reusedSocket = true;
    socket.ref();
  }

  destroy() {
    for (const set of [this.freeSockets, this.sockets]) {
      for (const name of Object.keys(set)) for (const s of set[name].slice()) s.destroy();
    }
  }
}

function freeSocketErrorListener() {
  this.destroy();
  this.emit('agentRemove');
}

function installListeners(agent, s, options) {
  const onFree = () => agent.emit('free', s, options);
  const onClose = () => agent.removeSocket(s, options);
  const onTimeout = () => {
    const free = agent.freeSockets[agent.getName(options)];
    if (free && free.includes(s)) s.destroy();
  };
  const onRemove = () => {
    agent.removeSocket(s, options);
    s.removeListener('close', onClose);
    s.removeListener('free', onFree);
    s.removeListener('timeout', onTimeout);
    s.removeListener('agentRemove', onRemove);
  };
  s.on('free', onFree);
  s.on('close', onClose);
  s.on('timeout', onTimeout);
  s.on('agentRemove', onRemove);
}

// Node 19 and later: the global agent keeps connections alive.
const globalAgent = new Agent({ keepAlive: true, scheduling: 'lifo', timeout: 5000 });

internal.http = {
  module: {
    createServer,
    Server,
    ServerResponse,
    IncomingMessage,
    OutgoingMessage,
    ClientRequest,
    Agent,
    globalAgent,
    request,
    get,
    STATUS_CODES,
    METHODS,
    maxHeaderSize: 16384,
  },
};
