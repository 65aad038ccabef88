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

function mkdirSync(path) {
  const p = pathOf(path);
  hostCall('mkdir', p, () => host.mkdir(p));
}

function readdirSync(path) {
  const p = pathOf(path);
  return hostCall('scandir', p, () => host.readdir(p));
}

// ---- callbacks and promises, on demand ----------------------------------------------------

internal.fsHelpers = { hostCall, encodingOf, flagOf, toText, asResult, pathOf, makeStats };
const asyncPart = () => internal.need('fsAsync', 'internal/fs_async.js');
// One forwarding function per name, all from one piece of code (named as Node names them).
const forward = (pick, name) =>
  ({
    [name](...args) {
      return Reflect.apply(pick()[name], this, args);
    },
  })[name];
const callbackNames = ['readFile', 'writeFile', 'appendFile', 'open', 'close', 'stat', 'unlink', 'readdir', 'access'];
const promiseNames = ['readFile', 'writeFile', 'appendFile', 'stat', 'unlink', 'readdir', 'access', 'mkdir'];
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
  promises,
  constants: { F_OK: 0, R_OK: 4, W_OK: 2, X_OK: 1 },
};
for (const name of callbackNames) internal.fs[name] = forward(asyncPart, name);
