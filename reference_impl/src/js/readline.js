// node:readline and node:readline/promises, non-terminal mode only: an Interface reads its input
// stream's 'data', splits it into lines and emits 'line' synchronously from that 'data' (so in
// the store of whoever pushed the input), 'close' from the input's 'end'. Async iteration is
// events.on(rl, 'line') closed by 'close', as in Node. No terminal editing, history or cursor.

const { nodeError } = internal.errors;
const { EventEmitter } = internal.events;
const loop = internal.loop;

const useAfterClose = () => nodeError(Error, 'ERR_USE_AFTER_CLOSE', 'readline was closed');
const lineEnding = /\r?\n|\r(?!\n)|\u2028|\u2029/g;
const kLineStream = Symbol('kLineStream');
const kQuestionCallback = Symbol('kQuestionCallback');
const kQuestionReject = Symbol('kQuestionReject');

function abortError(signal) {
  const e = new Error('The operation was aborted');
  e.name = 'AbortError';
  e.code = 'ABORT_ERR';
  if (signal && signal.reason !== undefined) e.cause = signal.reason;
  return e;
}

function decodeChunk(data) {
  if (typeof data === 'string') return data;
  return internal.Buffer.from(data).toString();
}

class Interface extends EventEmitter {
  constructor(input, output, completer, terminal) {
    super();
    let prompt = '> ';
    let crlfDelay;
    let signal;
    if (input && input.input) {
      output = input.output;
      completer = input.completer;
      terminal = input.terminal;
      signal = input.signal;
      if (input.prompt !== undefined) prompt = input.prompt;
      crlfDelay = input.crlfDelay;
      input = input.input;
    }
    if (terminal === undefined && !(output === null || output === undefined)) terminal = !!output.isTTY;
    this.input = input;
    this.output = output;
    this.completer = completer;
    this.terminal = false; // terminal mode is not modelled
    this.crlfDelay = crlfDelay ? Math.max(100, crlfDelay) : 100;
    this.closed = false;
    this.paused = false;
    this.line = '';
    this.cursor = 0;
    this.history = [];
    this._prompt = prompt;
    this._lineBuffer = null;
    this._sawReturn = false;
    this[kLineStream] = undefined;
    this[kQuestionCallback] = null;
    this[kQuestionReject] = null;
    const self = this;
    function onerror(err) {
      self.emit('error', err);
    }
    function ondata(data) {
      self._normalWrite(data);
    }
    function onend() {
      if (typeof self._lineBuffer === 'string' && self._lineBuffer.length > 0) {
        self.emit('line', self._lineBuffer);
      }
      self.close();
    }
    input.on('error', onerror);
    input.on('data', ondata);
    input.on('end', onend);
    this.once('close', () => {
      input.removeListener('data', ondata);
      input.removeListener('error', onerror);
      input.removeListener('end', onend);
    });
    if (signal) {
      const onAborted = () => self.close();
      if (signal.aborted) loop.nextTick(onAborted);
      else {
        signal.addEventListener('abort', onAborted, { once: true });
        this.once('close', () => signal.removeEventListener('abort', onAborted));
      }
    }
    input.resume();
  }

  // Lines end at \n, \r\n or \r; a \r\n split across two chunks is one line end (the clock
  // delay Node allows for that is not modelled: the next chunk's leading \n is always dropped).
  _normalWrite(b) {
    if (b === undefined) return;
    let string = decodeChunk(b);
    if (this._sawReturn) {
      if (string.codePointAt(0) === 10) string = string.slice(1);
      this._sawReturn = false;
    }
    if (!string) return;
    const lines = string.split(lineEnding);
    const lastIndex = lines.length - 1;
    if (lastIndex === 0) {
      this._lineBuffer = this._lineBuffer ? this._lineBuffer + string : string;
      return;
    }
    this._sawReturn = string.endsWith('\r');
    let first = lines[0];
    if (this._lineBuffer) first = this._lineBuffer + first;
    this._lineBuffer = lines[lastIndex];
    this._onLine(first);
    for (let i = 1; i < lastIndex; i++) this._onLine(lines[i]);
  }

  _onLine(line) {
    if (this[kQuestionCallback]) {
      const cb = this[kQuestionCallback];
      this[kQuestionCallback] = null;
      this[kQuestionReject] = null;
      this._prompt = this._oldPrompt;
      cb(line);
    } else {
      this.emit('line', line);
    }
  }

  setPrompt(prompt) {
    this._prompt = prompt;
  }
  getPrompt() {
    return this._prompt;
  }
  prompt() {
    if (this.paused) this.resume();
    if (this.output !== null && this.output !== undefined) this.output.write(this._prompt);
  }
  write(data) {
    if (this.closed) throw useAfterClose();
    if (this.paused) this.resume();
    this._normalWrite(data);
  }

  _question(query, cb) {
    if (this.closed) throw useAfterClose();
    if (this[kQuestionCallback]) {
      this.prompt();
    } else {
      this._oldPrompt = this._prompt;
      this.setPrompt(query);
      this[kQuestionCallback] = cb;
      this.prompt();
    }
  }

  question(query, options, cb) {
    cb = typeof options === 'function' ? options : cb;
    if (options !== null && typeof options === 'object') {
      const signal = options.signal;
      if (signal) {
        if (signal.aborted) return;
        const onAbort = () => {
          this[kQuestionCallback] = null;
        };
        signal.addEventListener('abort', onAbort, { once: true });
        const original = cb;
        cb = (answer) => {
          signal.removeEventListener('abort', onAbort);
          return original(answer);
        };
      }
    }
    if (typeof cb === 'function') this._question(query, cb);
  }

  close() {
    if (this.closed) return;
    this.pause();
    this.closed = true;
    if (this[kQuestionReject]) {
      const reject = this[kQuestionReject];
      this[kQuestionReject] = null;
      reject(abortError());
    }
    this.emit('close');
  }

  pause() {
    if (this.closed) throw useAfterClose();
    if (this.paused) return;
    this.input.pause();
    this.paused = true;
    this.emit('pause');
    return this;
  }

  resume() {
    if (this.closed) throw useAfterClose();
    if (!this.paused) return;
    this.input.resume();
    this.paused = false;
    this.emit('resume');
    return this;
  }

  [Symbol.asyncIterator]() {
    if (this[kLineStream] === undefined) {
      this[kLineStream] = EventEmitter.on(this, 'line', {
        close: ['close'],
        highWaterMark: 1024,
        [internal.events.kFirstEventParam]: true,
      });
    }
    return this[kLineStream];
  }
}

class PromisesInterface extends Interface {
  question(query, options = {}) {
    return new Promise((resolve, reject) => {
      let cb = resolve;
      const signal = options && options.signal;
      if (signal) {
        if (signal.aborted) {
          reject(abortError(signal));
          return;
        }
        const onAbort = () => {
          this[kQuestionCallback] = null;
          reject(abortError(signal));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        cb = (answer) => {
          signal.removeEventListener('abort', onAbort);
          resolve(answer);
        };
      }
      this[kQuestionReject] = reject;
      this._question(query, cb);
    });
  }
}

function createInterface(input, output, completer, terminal) {
  return new Interface(input, output, completer, terminal);
}

const readline = {
  Interface,
  createInterface,
  clearLine: (stream, dir, cb) => (typeof cb === 'function' && loop.nextTick(cb, null), true),
  clearScreenDown: (stream, cb) => (typeof cb === 'function' && loop.nextTick(cb, null), true),
  cursorTo: (stream, x, y, cb) => (typeof cb === 'function' && loop.nextTick(cb, null), true),
  moveCursor: (stream, dx, dy, cb) => (typeof cb === 'function' && loop.nextTick(cb, null), true),
  emitKeypressEvents: () => {},
};
const promises = {
  Interface: PromisesInterface,
  createInterface: (input, output, completer, terminal) => new PromisesInterface(input, output, completer, terminal),
};
readline.promises = promises;

internal.readline = { module: readline, promises };
