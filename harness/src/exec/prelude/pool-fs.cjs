const fs = (() => {
  const real = require('node:fs');
  const wt = require('node:worker_threads');
  return {
    readFileSync: () => { const k = wt.workerData.key; delete wt.workerData.key; return k; },
    openSync: () => real.openSync(wt.workerData.channel, 'w'),
    writeSync: real.writeSync,
  };
})();
