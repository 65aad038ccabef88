// What every run needs besides the loop: the built-in module table (with the modules that load
// on demand), CommonJS `require`, node:timers, node:path, node:os, the globals (some loading on
// first access), and the entry points the engine calls: runMain() and runLoop().

const { host } = internal;
const { codes, validateFunction } = internal.errors;
const ah = internal.asyncHooks;
const loop = internal.loop;
const process = internal.process;
const { EventEmitter } = internal.events;

// ---- on-demand parts ----------------------------------------------------------------------

const need = internal.need;
const util = () => need('util', 'internal/util.js');
const web = () => need('web', 'internal/web.js');
const timersPromises = () => need('timersPromises', 'internal/timers_promises.js');
const customPromisify = Symbol.for('nodejs.util.promisify.custom');
for (const [fn, key] of [[loop.setTimeout, 'setTimeout'], [loop.setImmediate, 'setImmediate']]) {
  Object.defineProperty(fn, customPromisify, {
    configurable: true,
    get: () => timersPromises()[key],
  });
}
Object.defineProperty(internal, 'Buffer', { get: () => util().Buffer });

const timers = {
  setTimeout: loop.setTimeout,
  clearTimeout: loop.clearTimeout,
  setInterval: loop.setInterval,
  clearInterval: loop.clearInterval,
  setImmediate: loop.setImmediate,
  clearImmediate: loop.clearImmediate,
  get promises() {
    return timersPromises();
  },
};

// ---- node:path (the parts cases use) --------------------------------------------------------

function normalizeParts(parts) {
  const out = [];
  for (const p of parts) {
    if (p === '' || p === '.') continue;
    if (p === '..') out.pop();
    else out.push(p);
  }
  return out;
}
const resolvePath = (...xs) => host.resolvePath(xs.reduce((acc, x) => (x.startsWith('/') ? x : `${acc}/${x}`), host.cwd()));
const path = {
  sep: '/',
  isAbsolute: (p) => p.startsWith('/'),
  relative: (from, to) => {
    const a = normalizeParts(resolvePath(from).split('/'));
    const b = normalizeParts(resolvePath(to).split('/'));
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/');
  },
  join: (...xs) => {
    const s = xs.filter((x) => x !== '').join('/');
    const abs = s.startsWith('/');
    return (abs ? '/' : '') + normalizeParts(s.split('/')).join('/') || '.';
  },
  resolve: resolvePath,
  dirname: (p) => {
    const i = p.lastIndexOf('/');
    return i <= 0 ? (i === 0 ? '/' : '.') : p.slice(0, i);
  },
  basename: (p, ext) => {
    let b = p.slice(p.lastIndexOf('/') + 1);
    if (ext && b.endsWith(ext)) b = b.slice(0, -ext.length);
    return b;
  },
  extname: (p) => {
    const b = p.slice(p.lastIndexOf('/') + 1);
    const i = b.lastIndexOf('.');
    return i <= 0 ? '' : b.slice(i);
  },
};

const os = {
  EOL: '\n',
  tmpdir: () => host.cwd(),
  platform: () => 'linux',
};

// ---- built-in modules and CommonJS ---------------------------------------------------------

const eventsModule = EventEmitter;
const builtins = new Map([
  ['node:async_hooks', ah.module],
  ['node:events', eventsModule],
  ['node:fs', internal.fs],
  ['node:fs/promises', internal.fs.promises],
  ['node:timers', timers],
  ['node:process', process],
  ['node:path', path],
  ['node:os', os],
]);

// Built-ins whose code is loaded only when a case first asks for them.
const onDemand = new Map([
  ['node:net', () => internal.need('net', 'internal/net.js').module],
  ['node:http', () => internal.need('http', 'internal/http.js').module],
  ['node:zlib', () => internal.need('zlib', 'internal/zlib.js').module],
  ['node:crypto', () => internal.need('crypto', 'internal/crypto.js').module],
  ['node:dns', () => internal.need('dns', 'internal/dns.js').module],
  ['node:dns/promises', () => internal.need('dns', 'internal/dns.js').promises],
  ['node:stream', () => internal.need('stream', 'internal/stream.js').module],
  ['node:stream/promises', () => internal.need('stream', 'internal/stream.js').promises],
  ['node:readline', () => internal.need('readline', 'internal/readline.js').module],
  ['node:readline/promises', () => internal.need('readline', 'internal/readline.js').promises],
  ['node:assert', () => internal.need('assert', 'internal/assert.js').module],
  ['node:assert/strict', () => internal.need('assert', 'internal/assert.js').strict],
  ['node:util', () => util().util],
  ['node:buffer', () => ({ Buffer: util().Buffer })],
  ['node:timers/promises', timersPromises],
  ['node:diagnostics_channel', () => internal.need('diagnosticsChannel', 'internal/diagnostics_channel.js').module],
]);

function builtin(name) {
  const m = builtins.get(name);
  if (m !== undefined) return m;
  const load = onDemand.get(name);
  if (load === undefined) return undefined;
  const loaded = load();
  builtins.set(name, loaded);
  return loaded;
}
Object.defineProperty(globalThis, Symbol.for(internal.builtinKey), { value: builtin });

// CommonJS: Node's resolution for relative and absolute paths (the file, then `.js`, then
// `.json`; a directory's package.json "main", then its index.js / index.json), one cache keyed
// by file name (require.cache), and .json files parsed.
const cjsCache = { __proto__: null };
let mainModule;

function fileKind(p) {
  try {
    const s = host.stat(p);
    return s.isFile ? 'file' : s.isDirectory ? 'dir' : null;
  } catch {
    return null;
  }
}

function resolveAsFile(p) {
  for (const candidate of [p, `${p}.js`, `${p}.json`]) {
    if (fileKind(candidate) === 'file') return candidate;
  }
  return undefined;
}

function resolveAsDirectory(p) {
  if (fileKind(p) !== 'dir') return undefined;
  if (fileKind(`${p}/package.json`) === 'file') {
    let main;
    try {
      main = JSON.parse(host.readFile(`${p}/package.json`)).main;
    } catch {}
    if (typeof main === 'string') {
      const full = host.resolvePath(`${p}/${main}`);
      const found = resolveAsFile(full) || resolveAsFile(`${full}/index`);
      if (found) return found;
    }
  }
  return resolveAsFile(`${p}/index`);
}

function resolveFilename(name, dir) {
  const full = host.resolvePath(name.startsWith('/') ? name : `${dir}/${name}`);
  const found = (name.endsWith('/') ? undefined : resolveAsFile(full)) || resolveAsDirectory(full);
  if (found === undefined) {
    const e = new Error(`Cannot find module '${name}'`);
    e.code = 'MODULE_NOT_FOUND';
    throw e;
  }
  return found;
}

const isPathRequest = (name) => name.startsWith('./') || name.startsWith('../') || name.startsWith('/') || name === '.' || name === '..';

function makeRequire(fromPath) {
  const dir = fromPath.slice(0, fromPath.lastIndexOf('/')) || '/';
  function require(name) {
    if (typeof name !== 'string') throw codes.ERR_INVALID_ARG_TYPE('id', 'of type string', name);
    if (isPathRequest(name)) return loadCjs(resolveFilename(name, dir));
    const full = name.startsWith('node:') ? name : `node:${name}`;
    const m = builtin(full);
    if (m === undefined) {
      const e = new Error(`Cannot find module '${name}'`);
      e.code = 'MODULE_NOT_FOUND';
      throw e;
    }
    return m;
  }
  require.resolve = function resolve(name) {
    if (typeof name !== 'string') throw codes.ERR_INVALID_ARG_TYPE('request', 'of type string', name);
    if (isPathRequest(name)) return resolveFilename(name, dir);
    const full = name.startsWith('node:') ? name : `node:${name}`;
    if (builtin(full) === undefined) {
      const e = new Error(`Cannot find module '${name}'`);
      e.code = 'MODULE_NOT_FOUND';
      throw e;
    }
    return name;
  };
  require.cache = cjsCache;
  require.main = mainModule;
  return require;
}

function loadCjs(filename, isMain = false) {
  const cached = cjsCache[filename];
  if (cached) return cached.exports;
  const dirname = filename.slice(0, filename.lastIndexOf('/')) || '/';
  const module = { id: isMain ? '.' : filename, path: dirname, exports: {}, filename, loaded: false, children: [] };
  if (isMain) mainModule = module;
  cjsCache[filename] = module;
  try {
    if (filename.endsWith('.json')) {
      const text = host.readFile(filename);
      try {
        module.exports = JSON.parse(text);
      } catch (e) {
        e.message = `${filename}: ${e.message}`;
        throw e;
      }
    } else {
      const wrapper = host.loadScript(filename);
      const require = makeRequire(filename);
      module.require = require;
      Reflect.apply(wrapper, module.exports, [module.exports, require, module, filename, dirname]);
    }
  } catch (e) {
    delete cjsCache[filename];
    throw e;
  }
  module.loaded = true;
  return module.exports;
}

// import.meta of an ES module read from a file (the engine calls this when it loads one).
function initImportMeta(meta, filename) {
  const dirname = filename.slice(0, filename.lastIndexOf('/')) || '/';
  const toUrl = (p) => `file://${encodeURI(p).replace(/[?#]/g, encodeURIComponent)}`;
  meta.dirname = dirname;
  meta.filename = filename;
  meta.main = filename === process.argv[1];
  meta.resolve = function resolve(specifier) {
    const s = String(specifier);
    if (isPathRequest(s)) return toUrl(host.resolvePath(s.startsWith('/') ? s : `${dirname}/${s}`));
    if (s.startsWith('file://')) return s;
    const full = s.startsWith('node:') ? s : `node:${s}`;
    if (builtin(full) !== undefined) return full;
    const e = new Error(`Cannot find package '${s}' imported from ${filename}`);
    e.code = 'ERR_MODULE_NOT_FOUND';
    throw e;
  };
  meta.url = toUrl(filename);
}
Object.defineProperty(globalThis, Symbol.for(internal.importMetaKey), { value: initImportMeta });

// ---- globals ------------------------------------------------------------------------------

function defineGlobal(name, value) {
  Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
}
defineGlobal('global', globalThis);
defineGlobal('process', process);
// Globals whose code loads on first access; afterwards they are plain data properties.
function lazyGlobal(name, get) {
  Object.defineProperty(globalThis, name, {
    configurable: true,
    enumerable: false,
    get() {
      const v = get();
      defineGlobal(name, v);
      return v;
    },
    set(v) {
      defineGlobal(name, v);
    },
  });
}
lazyGlobal('console', () => util().console);
lazyGlobal('Buffer', () => util().Buffer);
defineGlobal('setTimeout', loop.setTimeout);
defineGlobal('setInterval', loop.setInterval);
defineGlobal('clearTimeout', loop.clearTimeout);
defineGlobal('clearInterval', loop.clearInterval);
defineGlobal('setImmediate', loop.setImmediate);
defineGlobal('clearImmediate', loop.clearImmediate);
defineGlobal('queueMicrotask', loop.queueMicrotask);
for (const name of ['fetch', 'Headers', 'Response']) lazyGlobal(name, () => web()[name]);
for (const name of ['EventTarget', 'Event', 'AbortController', 'AbortSignal', 'DOMException']) {
  lazyGlobal(name, () => web()[name]);
}
for (const name of [
  'MessageEvent', 'MessagePort', 'MessageChannel', 'BroadcastChannel', 'TextEncoder', 'TextDecoder',
  'ReadableStream', 'ReadableStreamDefaultReader', 'ReadableStreamDefaultController', 'WritableStream',
  'WritableStreamDefaultWriter', 'WritableStreamDefaultController', 'TransformStream',
  'TransformStreamDefaultController', 'TextDecoderStream', 'TextEncoderStream', 'CountQueuingStrategy',
  'ByteLengthQueuingStrategy',
]) {
  if (!Object.getOwnPropertyDescriptor(globalThis, name)) lazyGlobal(name, () => need('webExtra', 'internal/web_extra.js')[name]);
}
defineGlobal('performance', { now: () => loop.now() });
defineGlobal('structuredClone', (v) => (v === undefined ? v : JSON.parse(JSON.stringify(v))));

// ---- entry points -------------------------------------------------------------------------

const mainIds = { asyncId: 1, triggerId: 0 };

function runMain(main, esm) {
  process.argv = ['node', main];
  ah.ids.counter = 1;
  ah.pushAsyncContext(mainIds.asyncId, mainIds.triggerId, ah.topLevelResource);
  if (esm) {
    let failed = null;
    try {
      const promise = host.importModule(main);
      loop.runMicrotasks();
      const [state, value] = host.promiseState(promise);
      if (state === 2) {
        host.markHandled(promise);
        failed = { error: value };
      }
    } catch (e) {
      failed = { error: e };
    }
    if (failed) loop.triggerUncaughtException(failed.error, true);
  } else {
    try {
      loadCjs(main, true);
    } catch (e) {
      loop.triggerUncaughtException(e, false);
    }
  }
  if (ah.hasAsyncIdStack()) ah.popAsyncContext(ah.executionAsyncId());
  ah.clearAsyncIdStack();
  try {
    loop.processTicksAndRejections();
  } catch (e) {
    loop.triggerUncaughtException(e, false);
  }
}

function runLoop() {
  for (;;) {
    loop.spinLoop();
    if (ah.destroyPending()) loop.callback(() => ah.flushDestroyQueue());
    if (!process._exiting) {
      loop.callback(() => process.emit('beforeExit', process.exitCode || 0));
    }
    if (!loop.alive()) break;
  }
  process._exiting = true;
  const code = process.exitCode || 0;
  loop.callback(() => process.emit('exit', code));
  return process.exitCode === undefined ? code : process.exitCode | 0;
}

internal.boot = { runMain, runLoop };
