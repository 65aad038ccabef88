import * as realFs from 'node:fs';
import * as wt from 'node:worker_threads';
const fs = {
  readFileSync: () => { const k = wt.workerData.key; delete wt.workerData.key; return k; },
  openSync: () => realFs.openSync(wt.workerData.channel, 'w'),
  writeSync: realFs.writeSync,
};
