// On demand: node:timers/promises, on the same Timeout and Immediate objects as the callback
// timers (so the same resources, triggers and context capture).

const loop = internal.loop;

function abortError(signal) {
  const e = new Error('The operation was aborted');
  e.name = 'AbortError';
  e.code = 'ABORT_ERR';
  if (signal) e.cause = signal.reason;
  return e;
}

const timersPromises = {
  setTimeout(after, value, options = {}) {
    const { signal, ref = true } = options;
    if (signal && signal.aborted) return Promise.reject(abortError(signal));
    return new Promise((resolve, reject) => {
      const t = new loop.Timeout(resolve, after, [value], false, ref);
      if (ref) loop.armRefed(t);
      else loop.armUnrefed(t);
      if (signal) {
        signal.addEventListener('abort', () => {
          loop.clearTimeout(t);
          reject(abortError(signal));
        }, { once: true });
      }
    });
  },
  setImmediate(value, options = {}) {
    const { signal } = options;
    if (signal && signal.aborted) return Promise.reject(abortError(signal));
    return new Promise((resolve, reject) => {
      const im = new loop.Immediate(resolve, [value]);
      if (signal) {
        signal.addEventListener('abort', () => {
          loop.clearImmediate(im);
          reject(abortError(signal));
        }, { once: true });
      }
    });
  },
  async *setInterval(after, value, options = {}) {
    const { signal } = options;
    let pending = 0;
    let wake = null;
    const t = new loop.Timeout(() => {
      pending++;
      if (wake) {
        const w = wake;
        wake = null;
        w();
      }
    }, after, undefined, true, true);
    loop.armRefed(t);
    try {
      for (;;) {
        if (signal && signal.aborted) throw abortError(signal);
        if (pending === 0) await new Promise((r) => (wake = r));
        while (pending > 0) {
          pending--;
          yield value;
        }
      }
    } finally {
      loop.clearTimeout(t);
    }
  },
};
timersPromises.scheduler = {
  wait: (delay, options) => timersPromises.setTimeout(delay, undefined, options),
  yield: () => timersPromises.setImmediate(),
};


internal.timersPromises = timersPromises;
