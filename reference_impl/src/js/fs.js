// node:fs on real files in the run's directory. Synchronous calls happen at once. The callback
// and promise functions live in fs_async.js, loaded the first time one is called: here they
// are small stand-ins that forward to it, so that every run does not pay for code few use.

const { host } = internal;
const { uvError } = internal.errors;

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

const isRecursive = (options) => options !== null && typeof options === 'object' && options.recursive === true;

// mkdir -p: every missing directory of the path, outermost first; the first one made (as an
// absolute path), or undefined when all existed.
function mkdirp(p) {
  const full = host.resolvePath(p);
  let first;
  let at = '';
  for (const part of full.split('/').filter((x) => x !== '')) {
    at += `/${part}`;
    let kind = null;
    try {
      kind = host.stat(at).isDirectory ? 'dir' : 'file';
    } catch {}
    if (kind === 'dir') continue;
    if (kind === 'file') throw uvError(at === full ? 'EEXIST' : 'ENOTDIR', 'mkdir', p);
    hostCall('mkdir', p, () => host.mkdir(at));
    if (first === undefined) first = at;
  }
  return first;
}

function mkdirSync(path, options) {
  const p = pathOf(path);
  if (isRecursive(options)) return mkdirp(p);
  hostCall('mkdir', p, () => host.mkdir(p));
  return undefined;
}

function lstatSync(path) {
  return statSync(path);
}

function rmdirSync(path) {
  const p = pathOf(path);
  hostCall('rmdir', p, () => host.rmdir(p));
}

function rmOptions(options) {
  const o = { force: false, recursive: false, maxRetries: 0, retryDelay: 100, ...(options || {}) };
  for (const k of ['force', 'recursive']) {
    if (typeof o[k] !== 'boolean') throw internal.errors.codes.ERR_INVALID_ARG_TYPE(`options.${k}`, 'of type boolean', o[k]);
  }
  return o;
}

// ERR_FS_EISDIR: a SystemError, as Node makes for rm() of a directory without `recursive`.
function eisdir(p) {
  const e = new Error(`Path is a directory: rm returned EISDIR (is a directory) ${p}`);
  Object.defineProperty(e, 'name', { value: 'SystemError', writable: true, configurable: true, enumerable: false });
  e.code = 'ERR_FS_EISDIR';
  e.info = { code: 'EISDIR', message: 'is a directory', path: p, syscall: 'rm', errno: 21 };
  e.errno = 21;
  e.syscall = 'rm';
  e.path = p;
  return e;
}

function removeTree(p) {
  const s = hostCall('lstat', p, () => host.stat(p));
  if (s.isDirectory) {
    for (const name of hostCall('scandir', p, () => host.readdir(p))) removeTree(`${p}/${name}`);
    hostCall('rmdir', p, () => host.rmdir(p));
  } else {
    hostCall('unlink', p, () => host.unlink(p));
  }
}

function rmSync(path, options) {
  const p = pathOf(path);
  const o = rmOptions(options);
  let s;
  try {
    s = host.stat(p);
  } catch (e) {
    if (e && e.hostError && e.code === 'ENOENT' && o.force) return;
    if (e && e.hostError) throw uvError(e.code, 'lstat', p);
    throw e;
  }
  if (s.isDirectory && !o.recursive) throw eisdir(p);
  removeTree(p);
}

function copyFileSync(src, dest, mode = 0) {
  const s = pathOf(src);
  const d = pathOf(dest);
  try {
    host.copyFile(s, d, (mode & 1) === 1);
  } catch (e) {
    if (e && e.hostError) {
      const err = uvError(e.code, 'copyfile', s);
      err.message += ` -> '${d}'`;
      err.dest = d;
      throw err;
    }
    throw e;
  }
}

function readdirSync(path) {
  const p = pathOf(path);
  return hostCall('scandir', p, () => host.readdir(p));
}

// ---- callbacks and promises, on demand ----------------------------------------------------

internal.fsHelpers = {
  hostCall, encodingOf, flagOf, toText, asResult, pathOf, makeStats, mkdirp, isRecursive, rmOptions, eisdir, copyFileSync,
};
const asyncPart = () => internal.need('fsAsync', 'internal/fs_async.js');
// One forwarding function per name, all from one piece of code (named as Node names them).
const forward = (pick, name) =>
  ({
    [name](...args) {
      return Reflect.apply(pick()[name], this, args);
    },
  })[name];
const callbackNames = [
  'readFile', 'writeFile', 'appendFile', 'open', 'close', 'stat', 'lstat', 'unlink', 'readdir', 'access', 'mkdir',
  'rmdir', 'rm', 'copyFile', 'watch', 'watchFile', 'unwatchFile',
];
const promiseNames = [
  'readFile', 'writeFile', 'appendFile', 'stat', 'lstat', 'unlink', 'readdir', 'access', 'mkdir', 'rmdir', 'rm', 'copyFile',
];
const promises = {};
for (const name of promiseNames) promises[name] = forward(() => asyncPart().promises, name);

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
  lstatSync,
  rmdirSync,
  rmSync,
  copyFileSync,
  promises,
  constants: { F_OK: 0, R_OK: 4, W_OK: 2, X_OK: 1, COPYFILE_EXCL: 1, COPYFILE_FICLONE: 2, COPYFILE_FICLONE_FORCE: 4 },
};
for (const name of callbackNames) internal.fs[name] = forward(asyncPart, name);
