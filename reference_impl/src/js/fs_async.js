// On demand: node:fs callbacks and promises. The work happens at once; the callback (or the
// promise's settlement) is delivered in a later poll phase, one loop turn per request Node 26
// makes, each under its own FSREQCALLBACK (or FSREQPROMISE) resource. Node 26 reads and writes a
// whole file in one request, callbacks and promises alike (spec: HOOK-LIFE-015); Node 24 made
// one per step (open, fstat, read, close).

const { host } = internal;
const { validateFunction, uvError } = internal.errors;
const loop = internal.loop;
const { hostCall, encodingOf, flagOf, toText, asResult, pathOf, makeStats } = internal.fsHelpers;
const { mkdirp, isRecursive, rmOptions, eisdir, copyFileSync } = internal.fsHelpers;
const ah = internal.asyncHooks;
const { EventEmitter } = internal.events;

// ---- callbacks ------------------------------------------------------------------------------

// Run `steps` one loop turn each; the last one's result goes to the callback.
function request(steps, cb) {
  let i = 0;
  let value;
  const next = () => {
    loop.submitIo('FSREQCALLBACK', function complete() {
      try {
        value = steps[i++](value);
      } catch (err) {
        cb(err);
        return;
      }
      if (i < steps.length) next();
      else cb(null, value);
    });
  };
  next();
}

function lastFunction(args) {
  const cb = args[args.length - 1];
  validateFunction(cb, 'cb');
  return cb;
}

function readFile(path, ...rest) {
  const cb = lastFunction(rest);
  const encoding = encodingOf(rest.length > 1 ? rest[0] : undefined);
  const p = pathOf(path);
  request(
    [() => asResult(hostCall('open', p, () => host.readFile(p)), encoding)],
    (err, data) => (err ? cb(err) : cb(null, data)),
  );
}

function writeFile(path, data, ...rest) {
  const cb = lastFunction(rest);
  const flag = flagOf(rest.length > 1 ? rest[0] : undefined, 'w');
  const p = pathOf(path);
  request(
    [() => hostCall('open', p, () => host.writeFile(p, toText(data), flag.startsWith('a')))],
    (err) => cb(err || null),
  );
}

function appendFile(path, data, ...rest) {
  const cb = lastFunction(rest);
  const p = pathOf(path);
  request([() => hostCall('open', p, () => host.writeFile(p, toText(data), true))], (err) =>
    cb(err || null));
}

function open(path, ...rest) {
  const cb = lastFunction(rest);
  const flags = rest.length > 1 && typeof rest[0] === 'string' ? rest[0] : 'r';
  const p = pathOf(path);
  request([() => hostCall('open', p, () => host.open(p, flags))], (err, fd) =>
    err ? cb(err) : cb(null, fd));
}

function close(fd, cb = () => {}) {
  request([() => hostCall('close', undefined, () => host.close(fd))], (err) => cb(err || null));
}

function stat(path, ...rest) {
  const cb = lastFunction(rest);
  const p = pathOf(path);
  request([() => makeStats(hostCall('stat', p, () => host.stat(p)))], (err, s) =>
    err ? cb(err) : cb(null, s));
}

function unlink(path, cb) {
  const p = pathOf(path);
  request([() => hostCall('unlink', p, () => host.unlink(p))], (err) => cb(err || null));
}

function readdir(path, ...rest) {
  const cb = lastFunction(rest);
  const p = pathOf(path);
  request([() => hostCall('scandir', p, () => host.readdir(p))], (err, names) =>
    err ? cb(err) : cb(null, names));
}

function access(path, ...rest) {
  const cb = lastFunction(rest);
  const p = pathOf(path);
  request([() => hostCall('access', p, () => host.stat(p))], (err) => cb(err || null));
}

function lstat(path, ...rest) {
  const cb = lastFunction(rest);
  const p = pathOf(path);
  request([() => makeStats(hostCall('lstat', p, () => host.stat(p)))], (err, s) =>
    err ? cb(err) : cb(null, s));
}

// One request, recursive or not (Node's MKDIRP is one native request).
function mkdir(path, ...rest) {
  const cb = lastFunction(rest);
  const recursive = isRecursive(rest.length > 1 ? rest[0] : undefined);
  const p = pathOf(path);
  request([() => (recursive ? mkdirp(p) : void hostCall('mkdir', p, () => host.mkdir(p)))], (err, first) =>
    err ? cb(err) : recursive ? cb(null, first) : cb(null));
}

function rmdir(path, ...rest) {
  const cb = lastFunction(rest);
  const p = pathOf(path);
  request([() => hostCall('rmdir', p, () => host.rmdir(p))], (err) => cb(err || null));
}

function copyFile(src, dest, ...rest) {
  const cb = lastFunction(rest);
  const mode = typeof rest[0] === 'number' ? rest[0] : 0;
  request([() => copyFileSync(src, dest, mode)], (err) => cb(err || null));
}

// fs.rm: Node's JavaScript over callbacks (lib/internal/fs/rimraf.js): an lstat to check the
// options, then rimraf, each step one request triggered by the one before.
function validateRmOptions(p, options, cb) {
  const o = rmOptions(options);
  lstat(p, (err, stats) => {
    if (err) {
      if (o.force && err.code === 'ENOENT') return cb(null, o);
      return cb(err, o);
    }
    if (stats.isDirectory() && !o.recursive) return cb(eisdir(p));
    return cb(null, o);
  });
}

const notEmptyCodes = new Set(['ENOTEMPTY', 'EEXIST', 'EPERM']);

function rimraf(p, options, callback) {
  rimrafStep(p, options, (err) => callback(err && err.code === 'ENOENT' ? null : err));
}

function rimrafStep(p, options, callback) {
  lstat(p, (err, stats) => {
    if (err) {
      if (err.code === 'ENOENT') return callback(null);
    } else if (stats.isDirectory()) {
      return rimrafDir(p, options, err, callback);
    }
    unlink(p, (err) => {
      if (err) {
        if (err.code === 'ENOENT') return callback(null);
        if (err.code === 'EISDIR') return rimrafDir(p, options, err, callback);
      }
      return callback(err);
    });
  });
}

function rimrafDir(p, options, originalErr, callback) {
  rmdir(p, (err) => {
    if (err) {
      if (notEmptyCodes.has(err.code)) return rimrafChildren(p, options, callback);
      if (err.code === 'ENOTDIR') return callback(originalErr);
    }
    callback(err);
  });
}

function rimrafChildren(p, options, callback) {
  readdir(p, (err, files) => {
    if (err) return callback(err);
    let left = files.length;
    if (left === 0) return rmdir(p, callback);
    let done = false;
    for (const name of files) {
      rimraf(`${p}/${name}`, options, (err) => {
        if (done) return;
        if (err) {
          done = true;
          return callback(err);
        }
        left--;
        if (left === 0) rmdir(p, callback);
      });
    }
  });
}

function rm(path, options, callback) {
  if (typeof options === 'function') {
    callback = options;
    options = undefined;
  }
  const p = pathOf(path);
  validateRmOptions(p, options, (err, o) => {
    if (err) return callback(err);
    return rimraf(p, o, callback);
  });
}

// ---- watchers -------------------------------------------------------------------------------

// fs.watchFile: one StatWatcher (a STATWATCHER handle) per file. Nothing is ever polled: a
// change is not modelled, only starting and stopping.
const statWatchers = new Map();
const kRefs = Symbol('refs');

class StatWatcher extends EventEmitter {
  constructor() {
    super();
    this._handle = null;
    this[kRefs] = 1;
  }

  ref() {
    if (this._handle && !this._handle.refed) {
      this._handle.refed = true;
      loop.refHandle(1);
    }
    return this;
  }

  unref() {
    if (this._handle && this._handle.refed) {
      this._handle.refed = false;
      loop.refHandle(-1);
    }
    return this;
  }

  stop() {
    const handle = this._handle;
    if (handle === null) return;
    ah.defaultTriggerAsyncIdScope(handle[ah.asyncIdKey], loop.nextTick, () => this.emit('stop'));
    if (handle.refed) loop.refHandle(-1);
    loop.closeHandle(handle, null);
    this._handle = null;
  }
}

function watchFile(filename, options, listener) {
  const p = host.resolvePath(pathOf(filename));
  if (options === null || typeof options !== 'object') {
    listener = options;
    options = null;
  }
  options = { interval: 5007, persistent: true, ...options };
  validateFunction(listener, 'listener');
  let stat = statWatchers.get(p);
  if (stat === undefined) {
    stat = new StatWatcher();
    const handle = { refed: false };
    loop.initAsyncResource(handle, 'STATWATCHER');
    stat._handle = handle;
    if (options.persistent) stat.ref();
    statWatchers.set(p, stat);
  } else {
    stat[kRefs]++;
  }
  stat.addListener('change', listener);
  return stat;
}

function unwatchFile(filename, listener) {
  const p = host.resolvePath(pathOf(filename));
  const stat = statWatchers.get(p);
  if (stat === undefined) return;
  if (typeof listener === 'function') stat.removeListener('change', listener);
  else stat.removeAllListeners('change');
  if (stat.listenerCount('change') === 0) {
    stat.stop();
    statWatchers.delete(p);
  }
}

// fs.watch: an FSWatcher over an FSEVENTWRAP handle; no change is ever reported.
class FSWatcher extends EventEmitter {
  constructor() {
    super();
    this._handle = { refed: false };
    loop.initAsyncResource(this._handle, 'FSEVENTWRAP');
  }

  close() {
    const handle = this._handle;
    if (handle === null) return;
    if (handle.refed) loop.refHandle(-1);
    loop.closeHandle(handle, null);
    this._handle = null;
    loop.nextTick(() => this.emit('close'));
  }

  ref() {
    if (this._handle && !this._handle.refed) {
      this._handle.refed = true;
      loop.refHandle(1);
    }
    return this;
  }

  unref() {
    if (this._handle && this._handle.refed) {
      this._handle.refed = false;
      loop.refHandle(-1);
    }
    return this;
  }
}

function watch(filename, options, listener) {
  if (typeof options === 'function') listener = options;
  if (typeof options === 'string') options = { encoding: options };
  options = { persistent: true, ...(options && typeof options === 'object' ? options : {}) };
  const p = pathOf(filename);
  const watcher = new FSWatcher();
  try {
    host.stat(p);
  } catch (e) {
    watcher._handle = null;
    if (e && e.hostError) {
      const err = uvError(e.code, 'watch', p);
      err.filename = p;
      throw err;
    }
    throw e;
  }
  if (options.persistent) watcher.ref();
  if (listener) watcher.addListener('change', listener);
  return watcher;
}

// ---- promises -------------------------------------------------------------------------------

// A promise settled from the poll phase of a later loop turn, inside the request that Node
// makes for it: an FSREQPROMISE, or (whole-file reads and writes) an FSREQCALLBACK.
function promised(steps, type = 'FSREQPROMISE') {
  return new Promise((resolve, reject) => {
    let i = 0;
    let value;
    const next = () => {
      loop.submitIo(type, function complete() {
        try {
          value = steps[i++](value);
        } catch (err) {
          reject(err);
          return;
        }
        if (i < steps.length) next();
        else resolve(value);
      });
    };
    next();
  });
}

const promises = {
  readFile(path, options) {
    const p = pathOf(path);
    const encoding = encodingOf(options);
    return promised(
      [() => asResult(hostCall('open', p, () => host.readFile(p)), encoding)],
      'FSREQCALLBACK',
    );
  },
  writeFile(path, data, options) {
    const p = pathOf(path);
    const flag = flagOf(options, 'w');
    return promised(
      [() => hostCall('open', p, () => host.writeFile(p, toText(data), flag.startsWith('a')))],
      'FSREQCALLBACK',
    );
  },
  appendFile(path, data) {
    const p = pathOf(path);
    return promised(
      [() => hostCall('open', p, () => host.writeFile(p, toText(data), true))],
      'FSREQCALLBACK',
    );
  },
  stat(path) {
    const p = pathOf(path);
    return promised([() => makeStats(hostCall('stat', p, () => host.stat(p)))]);
  },
  unlink(path) {
    const p = pathOf(path);
    return promised([() => hostCall('unlink', p, () => host.unlink(p))]);
  },
  readdir(path) {
    const p = pathOf(path);
    return promised([() => hostCall('scandir', p, () => host.readdir(p))]);
  },
  access(path) {
    const p = pathOf(path);
    return promised([() => void hostCall('access', p, () => host.stat(p))]);
  },
  async mkdir(path, options) {
    const p = pathOf(path);
    const recursive = isRecursive(options);
    return await promised([() => (recursive ? mkdirp(p) : void hostCall('mkdir', p, () => host.mkdir(p)))]);
  },
  lstat(path) {
    const p = pathOf(path);
    return promised([() => makeStats(hostCall('lstat', p, () => host.stat(p)))]);
  },
  rmdir(path) {
    const p = pathOf(path);
    return promised([() => void hostCall('rmdir', p, () => host.rmdir(p))]);
  },
  async copyFile(src, dest, mode = 0) {
    return await promised([() => copyFileSync(src, dest, mode)]);
  },
  // As Node: the callback functions behind a promisified option check and a promise.
  async rm(path, options) {
    const p = pathOf(path);
    const o = await new Promise((resolve, reject) =>
      validateRmOptions(p, options, (err, opts) => (err ? reject(err) : resolve(opts))));
    return new Promise((resolve, reject) => rimraf(p, o, (err) => (err ? reject(err) : resolve())));
  },
};

internal.fsAsync = {
  lstat,
  mkdir,
  rmdir,
  rm,
  copyFile,
  watch,
  watchFile,
  unwatchFile,
  readFile,
  writeFile,
  appendFile,
  open,
  close,
  stat,
  unlink,
  readdir,
  access,
  promises,
};
