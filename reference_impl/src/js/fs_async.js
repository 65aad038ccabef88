// On demand: node:fs callbacks and promises. The work happens at once; the callback (or the
// promise's settlement) is delivered in a later poll phase, one loop turn per request Node 26
// makes, each under its own FSREQCALLBACK (or FSREQPROMISE) resource. Node 26 reads and writes a
// whole file in one request, callbacks and promises alike (spec: HOOK-LIFE-015); Node 24 made
// one per step (open, fstat, read, close).

const { host } = internal;
const { validateFunction } = internal.errors;
const loop = internal.loop;
const { hostCall, encodingOf, flagOf, toText, asResult, pathOf, makeStats } = internal.fsHelpers;

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
  mkdir(path) {
    const p = pathOf(path);
    return promised([() => hostCall('mkdir', p, () => host.mkdir(p))]);
  },
};

internal.fsAsync = {
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
