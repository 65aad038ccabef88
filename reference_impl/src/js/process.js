// The `process` object: an EventEmitter with the events cases use ('exit', 'beforeExit',
// 'uncaughtException', 'uncaughtExceptionMonitor', 'unhandledRejection', 'rejectionHandled',
// 'warning'), exit codes, nextTick, and the few facts a case may read.

const { host } = internal;
const { EventEmitter } = internal.events;
const loop = internal.loop;

const process = new EventEmitter();
internal.process = process;

process.title = 'node';
process.version = 'v26.0.0';
process.versions = { node: '26.0.0', reference: internal.version || '0' };
process.platform = 'linux';
process.arch = 'x64';
process.pid = 4242;
process.ppid = 4241;
process.argv = ['node'];
process.execArgv = [];
process.env = { TZ: 'UTC' };
process.exitCode = undefined;
process._exiting = false;
process.release = { name: 'node' };
process.features = {};
process.nextTick = loop.nextTick;
process.cwd = () => host.cwd();
process.umask = () => 0o22;
process.uptime = () => loop.now() / 1000;
function hrtime(prev) {
  const ns = loop.now() * 1e6;
  let s = Math.floor(ns / 1e9);
  let n = ns % 1e9;
  if (prev) {
    s -= prev[0];
    n -= prev[1];
    if (n < 0) {
      s -= 1;
      n += 1e9;
    }
  }
  return [s, n];
}
hrtime.bigint = () => BigInt(loop.now()) * 1000000n;
process.hrtime = hrtime;
process.memoryUsage = () => ({ rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 });
process.stdout = { write: (s) => (host.write(1, String(s)), true), isTTY: false, fd: 1 };
process.stderr = { write: (s) => (host.write(2, String(s)), true), isTTY: false, fd: 2 };
// stdin: a Readable made on first access, with fd 0. The prelude has read the run's stdin to its
// end, so the stream ends when read; it holds no handle, so it keeps nothing alive.
let stdin;
Object.defineProperty(process, 'stdin', {
  configurable: true,
  enumerable: true,
  get() {
    if (stdin === undefined) {
      const { Readable } = internal.need('stream', 'internal/stream.js');
      stdin = new Readable({
        read() {
          this.push(null);
        },
      });
      stdin.fd = 0;
    }
    return stdin;
  },
});

// Leave now: no 'exit' event (process.reallyExit, fatal hook errors).
internal.reallyExit = (code) => host.exit(code | 0);
process.reallyExit = internal.reallyExit;

// Leave after the 'exit' event, as Node does for an unhandled error.
internal.exitNow = (code) => {
  if (!process._exiting) {
    process._exiting = true;
    process.exitCode = code;
    try {
      process.emit('exit', code);
    } catch {}
  }
  internal.reallyExit(process.exitCode === undefined ? code : process.exitCode | 0);
};

process.exit = function exit(code) {
  if (code !== undefined) process.exitCode = code;
  if (!process._exiting) {
    process._exiting = true;
    process.emit('exit', process.exitCode || 0);
  }
  internal.reallyExit(process.exitCode || 0);
};

process.abort = () => internal.reallyExit(134);

// Signal events and process.kill() (on demand, internal/signals.js): as in Node, process listens
// to its own 'newListener' and 'removeListener' to open and close a signal's handle.
const signals = () => internal.need('signals', 'internal/signals.js');
const signalEvent = (type) => typeof type === 'string' && type.startsWith('SIG');
process.on('newListener', (type) => signalEvent(type) && signals().startListening(type));
process.on('removeListener', (type) => signalEvent(type) && signals().stopListening(type));
process.kill = (pid, sig) => signals().kill(pid, sig);

process.emitWarning = function emitWarning(warning, type, code) {
  let w = warning;
  if (typeof w === 'string') {
    w = new Error(w);
    w.name = typeof type === 'string' ? type : (type && type.type) || 'Warning';
    if (typeof code === 'string') w.code = code;
  }
  loop.nextTick(() => {
    if (!process.emit('warning', w)) {
      host.write(2, `(node:${process.pid}) ${w.code ? `[${w.code}] ` : ''}${w.name}: ${w.message}\n`);
    }
  });
};
