const fs = (() => {
  const enc = new TextEncoder();
  return {
    readFileSync: (p) => Deno.readTextFileSync(p),
    openSync: (p) => Deno.openSync(p, { write: true }),
    writeSync: (f, s) => f.writeSync(enc.encode(s)),
  };
})();
const lazyProcessOn = (() => {
  const desc = Object.getOwnPropertyDescriptor(globalThis, 'process');
  if (!desc || typeof desc.get !== 'function' || !desc.configurable) {
    return (event, fn) => process.on(event, fn);
  }
  const wanted = [];
  let real;
  const get = function () {
    if (real === undefined) {
      real = desc.get.call(globalThis);
      for (const [event, fn] of wanted) real.on(event, fn);
    }
    return real;
  };
  Object.defineProperty(globalThis, 'process', {
    configurable: true,
    enumerable: desc.enumerable,
    get,
    set: desc.set,
  });
  const addEvent = globalThis.addEventListener.bind(globalThis);
  return (event, fn) => {
    wanted.push([event, fn]);
    if (real !== undefined) real.on(event, fn);
    if (event === 'exit') {
      addEvent('unload', () => {
        if (real === undefined) fn(Deno.exitCode);
      });
    } else if (event === 'uncaughtExceptionMonitor') {
      addEvent('error', (e) => {
        if (real === undefined) fn(e.error, 'uncaughtException');
      });
      addEvent('unhandledrejection', (e) => {
        if (real === undefined) fn(e.reason, 'unhandledRejection');
      });
    }
  };
})();
