// node:fs on real files in the run's directory. Synchronous calls happen at once; callback
// calls do the work at once but deliver the callback in a later poll phase, one loop turn per
// request Node would make (readFile: open, fstat, read, close), each under an FSREQCALLBACK
// resource; fs.promises resolve from the poll phase likewise.

const { host } = internal;
const { uvError, validateFunction } = internal.errors;
const loop = internal.loop;

function hostCall(syscall, path, fn) {
  try {
    return fn();
  } catch (e) {
    if (e && e.hostError) throw uvError(e.code, syscall, path);
    throw e;
  }
}

function encodingOf(options) {
  if (typeof options === 'string') return options;
  if (options && typeof options === 'object') return options.encoding || null;
  return null;
}

function flagOf(options, dflt) {
  if (options && typeof options === 'object' && options.flag) return options.flag;
  return dflt;
}

function toText(data) {
  if (typeof data === 'string') return data;
  if (data && typeof data === 'object' && data.buffer instanceof ArrayBuffer) {
    let s = '';
    for (let i = 0; i < data.length; i++) s += String.fromCharCode(data[i]);
    return s;
  }
  return String(data);
}

// What a read returns without an encoding: a minimal Buffer stand-in that prints as text.
function asResult(text, encoding) {
  if (encoding) return text;
  return internal.Buffer.from(text);
}

const pathOf = (p) => (typeof p === 'object' && p !== null && p.href ? p.pathname : String(p));

// ---- synchronous ----------------------------------------------------------------------------

function readFileSync(path, options) {
  const p = typeof path === 'number' ? path : pathOf(path);
  const text = typeof p === 'number'
    ? hostCall('read', undefined, () => host.readFd(p))
    : hostCall('open', p, () => host.readFile(p));
  return asResult(text, encodingOf(options));
}

function writeFileSync(path, data, options) {
  const p = pathOf(path);
  const flag = flagOf(options, 'w');
  hostCall('open', p, () => host.writeFile(p, toText(data), flag.startsWith('a')));
}

function appendFileSync(path, data) {
  const p = pathOf(path);
  hostCall('open', p, () => host.writeFile(p, toText(data), true));
}

function openSync(path, flags = 'r') {
  const p = pathOf(path);
  return hostCall('open', p, () => host.open(p, String(flags)));
}

function closeSync(fd) {
  hostCall('close', undefined, () => host.close(fd));
}

function writeSync(fd, data) {
  const text = toText(data);
  hostCall('write', undefined, () => host.write(fd, text));
  return text.length;
}

function existsSync(path) {
  try {
    host.stat(pathOf(path));
    return true;
  } catch {
    return false;
  }
}

function statSync(path) {
  const p = pathOf(path);
  const s = hostCall('stat', p, () => host.stat(p));
  return makeStats(s);
}

function makeStats(s) {
  return {
    size: s.size,
    isFile: () => s.isFile,
    isDirectory: () => s.isDirectory,
  };
}

function unlinkSync(path) {
  const p = pathOf(path);
  hostCall('unlink', p, () => host.unlink(p));
}

function mkdirSync(path) {
  const p = pathOf(path);
  hostCall('mkdir', p, () => host.mkdir(p));
}

function readdirSync(path) {
  const p = pathOf(path);
  return hostCall('scandir', p, () => host.readdir(p));
}

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
  let text;
  request(
    [
      () => (text = hostCall('open', p, () => host.readFile(p))),
      () => undefined,
      () => undefined,
      () => asResult(text, encoding),
    ],
    (err, data) => (err ? cb(err) : cb(null, data)),
  );
}

function writeFile(path, data, ...rest) {
  const cb = lastFunction(rest);
  const flag = flagOf(rest.length > 1 ? rest[0] : undefined, 'w');
  const p = pathOf(path);
  request(
    [
      () => hostCall('open', p, () => host.writeFile(p, toText(data), flag.startsWith('a'))),
      () => undefined,
      () => undefined,
    ],
    (err) => cb(err || null),
  );
}

function appendFile(path, data, ...rest) {
  const cb = lastFunction(rest);
  const p = pathOf(path);
  request(
    [() => hostCall('open', p, () => host.writeFile(p, toText(data), true)), () => undefined, () => undefined],
    (err) => cb(err || null),
  );
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

// ---- promises -------------------------------------------------------------------------------

// A promise settled from the poll phase of a later loop turn, as the FSREQPROMISE would be.
function promised(steps) {
  return new Promise((resolve, reject) => {
    let i = 0;
    let value;
    const next = () => {
      loop.submitIo('FSREQPROMISE', function complete() {
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
    let text;
    return promised([
      () => (text = hostCall('open', p, () => host.readFile(p))),
      () => undefined,
      () => asResult(text, encoding),
    ]);
  },
  writeFile(path, data, options) {
    const p = pathOf(path);
    const flag = flagOf(options, 'w');
    return promised([
      () => hostCall('open', p, () => host.writeFile(p, toText(data), flag.startsWith('a'))),
      () => undefined,
    ]);
  },
  appendFile(path, data) {
    const p = pathOf(path);
    return promised([() => hostCall('open', p, () => host.writeFile(p, toText(data), true))]);
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
  mkdir(path) {
    const p = pathOf(path);
    return promised([() => hostCall('mkdir', p, () => host.mkdir(p))]);
  },
};

internal.fs = {
  readFileSync,
  writeFileSync,
  appendFileSync,
  openSync,
  closeSync,
  writeSync,
  existsSync,
  statSync,
  unlinkSync,
  mkdirSync,
  readdirSync,
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
  constants: { F_OK: 0, R_OK: 4, W_OK: 2, X_OK: 1 },
};
