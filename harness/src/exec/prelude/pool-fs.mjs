import * as realFs from 'node:fs';
import * as wt from 'node:worker_threads';
import v8 from 'node:v8';
import { syncBuiltinESMExports } from 'node:module';
const fs = {
  readFileSync: () => { const k = wt.workerData.key; delete wt.workerData.key; return k; },
  openSync: () => realFs.openSync(wt.workerData.channel, 'w'),
  writeSync: realFs.writeSync,
};
// V8 flags are process-wide: setting them marks the driver's shared cell, and the driver
// retires the process (see pool-fs.cjs).
{
  const cell = wt.workerData && wt.workerData.flags;
  if (cell) {
    delete wt.workerData.flags;
    const set = v8.setFlagsFromString;
    const apply = Reflect.apply;
    const marks = new Int32Array(cell);
    if (typeof set === 'function') {
      v8.setFlagsFromString = function setFlagsFromString(flags) {
        marks[0] = 1;
        return apply(set, this, arguments);
      };
      try { syncBuiltinESMExports(); } catch {}
    }
  }
}
