const fs = (() => {
  const real = require('node:fs');
  const wt = require('node:worker_threads');
  // V8 flags are process-wide, so a pooled case that sets them would change every later case
  // in the process. Setting them marks the shared cell the driver passed (taken out of
  // `workerData` before the case runs), and the driver retires the process.
  const cell = wt.workerData && wt.workerData.flags;
  if (cell) {
    delete wt.workerData.flags;
    const v8 = require('node:v8');
    const set = v8.setFlagsFromString;
    const apply = Reflect.apply;
    const marks = new Int32Array(cell);
    if (typeof set === 'function') {
      v8.setFlagsFromString = function setFlagsFromString(flags) {
        marks[0] = 1;
        return apply(set, this, arguments);
      };
      try { require('node:module').syncBuiltinESMExports(); } catch {}
    }
  }
  return {
    readFileSync: () => { const k = wt.workerData.key; delete wt.workerData.key; return k; },
    openSync: () => real.openSync(wt.workerData.channel, 'w'),
    writeSync: real.writeSync,
  };
})();
