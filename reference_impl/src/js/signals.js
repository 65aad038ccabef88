// On demand: signal events of `process` and process.kill() to this process. As in Node, adding
// the first listener of a signal event makes an unref'd SIGNALWRAP handle (so triggered by, and
// carrying the context of, the code that added that listener), and removing the last one
// closes it. A signal this process sends itself is delivered in the poll phase of the next loop
// turn, as the handle's callback: the listeners see the context of the handle's creation, not
// the sender's. Left out: a signal with no listener (Node's default action ends the process by
// that signal) and signals from outside.

const { codes, nodeError } = internal.errors;
const loop = internal.loop;
const process = internal.process;

const signals = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8,
  SIGKILL: 9, SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15,
  SIGCHLD: 17, SIGCONT: 18, SIGSTOP: 19, SIGTSTP: 20, SIGTTIN: 21, SIGTTOU: 22, SIGURG: 23,
  SIGXCPU: 24, SIGXFSZ: 25, SIGVTALRM: 26, SIGPROF: 27, SIGWINCH: 28, SIGIO: 29, SIGPWR: 30,
  SIGSYS: 31,
};

const wraps = new Map(); // signal name -> open SIGNALWRAP handle

class Signal {
  constructor(name) {
    this.name = name;
    this.closed = false;
    loop.initAsyncResource(this, 'SIGNALWRAP');
  }
}

const isSignal = (type) => typeof type === 'string' && Object.prototype.hasOwnProperty.call(signals, type);

function startListening(type) {
  if (!isSignal(type) || wraps.has(type)) return;
  wraps.set(type, new Signal(type)); // unref'd: it does not keep the loop alive
}

function stopListening(type) {
  const wrap = wraps.get(type);
  if (wrap === undefined || process.listenerCount(type) > 0) return;
  wraps.delete(type);
  wrap.closed = true;
  loop.closeHandle(wrap, null);
}

function kill(pid, sig = 'SIGTERM') {
  if (pid != (pid | 0)) throw codes.ERR_INVALID_ARG_TYPE('pid', 'of type number', pid);
  let signum;
  let name;
  if (typeof sig === 'number') {
    signum = sig;
    name = Object.keys(signals).find((k) => signals[k] === sig);
  } else if (isSignal(sig)) {
    signum = signals[sig];
    name = sig;
  } else {
    throw nodeError(TypeError, 'ERR_UNKNOWN_SIGNAL', `Unknown signal: ${sig}`);
  }
  if (signum === 0 || (pid !== process.pid && pid !== 0)) return true;
  const wrap = wraps.get(name);
  if (wrap !== undefined) {
    loop.submitNative(() => {
      if (wrap.closed) return;
      loop.makeCallback(wrap, () => process.emit(name, name, signum));
    });
  }
  return true;
}

internal.signals = { startListening, stopListening, kill, isSignal };
