// The neutrality check's channel (`cargo xtask neutrality`): the prelude with as little of the
// runtime touched as it allows. No module is loaded for it (no `node:fs`), nothing is read
// from stdin (the key is written into this file), no descriptor is opened, and no `process`
// listener is added (`lazyProcessOn` is a no-op: the `end` and `uncaught` records are not
// made; the harness takes the exit code from the process). Records go to standard error
// through the cheapest synchronous write the runtime has; the harness points the process's
// standard error at the trace channel, where the records are told from the runtime's own
// output by their keyed checksums.
const fs = (() => {
  const key = '/*KEY*/';
  let sink;
  if (typeof Deno === 'object' && Deno !== null && Deno.stderr) {
    // Deno: its own file API, without building its Node `process` object.
    const enc = new TextEncoder();
    const err = Deno.stderr;
    sink = (s) => {
      const bytes = enc.encode(s);
      let off = 0;
      while (off < bytes.length) off += err.writeSync(bytes.subarray(off));
    };
  } else if (typeof Bun === 'object' && Bun !== null && typeof Bun.write === 'function') {
    // Bun: its own write to fd 2. Not `process._rawDebug`: that touches `process.stderr`,
    // whose first use (like loading `node:fs`) makes Bun set up its tick queue, and before
    // that Bun runs the first `process.nextTick()` queued by a promise job before the other
    // promise jobs (the check would not see an instrument that hides this).
    const write = Bun.write;
    const err = Bun.stderr;
    sink = (s) => write(err, s);
  } else if (typeof process === 'object' && typeof process._rawDebug === 'function') {
    // Node: a synchronous write to fd 2 that loads nothing; it adds the newline.
    const raw = process._rawDebug;
    sink = (s) => raw(s.endsWith('\n') ? s.slice(0, -1) : s);
  } else {
    const error = console.error;
    sink = (s) => error(s.endsWith('\n') ? s.slice(0, -1) : s);
  }
  return {
    readFileSync: () => key,
    openSync: () => 2,
    writeSync: (_fd, s) => {
      sink(s);
      return s.length;
    },
  };
})();
const lazyProcessOn = () => {};
