// Conformance prelude, trace protocol 1 (see harness/PROTOCOL.md).
//
// Rendered once per case: the harness wraps this body with the module header of the case's
// module kind (`import` for ESM, `require` for CJS) and replaces the CONFIG placeholder. It runs
// before the case body, takes what it needs from the runtime before the case can change it,
// and gives the case `trace(label, ...values)`.
'use strict';

const CONFIG = /*CONFIG*/ {};

// Built-ins captured now, so that a case that patches globals cannot change how events are
// serialised or written.
const writeSync = fs.writeSync;
const openSync = fs.openSync;
const readFileSync = fs.readFileSync;
const stringify = JSON.stringify;
const keysOf = Object.keys;
const getProto = Object.getPrototypeOf;
const symbolsOf = Object.getOwnPropertySymbols;
const isArray = Array.isArray;
const imul = Math.imul;
const numToString = Number.prototype.toString;
const symToString = Symbol.prototype.toString;
const bigToString = BigInt.prototype.toString;
const dateToISO = Date.prototype.toISOString;
const regToString = RegExp.prototype.toString;
const fnName = (f) => {
  try {
    return typeof f.name === 'string' ? f.name : '';
  } catch {
    return '';
  }
};
const ErrorCtor = Error;
const MapCtor = Map;
const SetCtor = Set;
const PromiseCtor = Promise;
const mapEntries = Map.prototype.entries;
const setValues = Set.prototype.values;
// A channel header that cannot afford to touch `process` yet (Deno builds its Node process
// object on first use, a third of a start) defines `lazyProcessOn`; elsewhere it is process.on.
const processOn =
  typeof lazyProcessOn === 'function' ? lazyProcessOn : process.on.bind(process);

// The key arrives on standard input and is read once; after this the case cannot obtain it.
const key = readFileSync('/dev/stdin', 'utf8').trim();
const out = openSync('/dev/fd/3', 'w');
const k1 = parseInt(key.slice(0, 8), 16) | 0;
const k2 = parseInt(key.slice(8, 16), 16) | 0;
let seq = 0;

function fmix(h) {
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hex8(n) {
  return ('0000000' + n.toString(16)).slice(-8);
}

// Keyed checksum of one record (two FNV-1a-style lanes over UTF-16 code units, finalised).
function mac(s) {
  let a = k1 ^ 0x811c9dc5;
  let b = k2 ^ 0x2f1a8e3d;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = imul(a ^ c, 0x01000193);
    b = imul(b ^ c, 0x9e3779b1);
  }
  return hex8(fmix(a ^ b)) + hex8(fmix(b + imul(a, 3)));
}

// Non-ASCII and control characters are escaped so that every record is one ASCII line.
function ascii(s) {
  let r = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x5c) {
      if (c === 0x5c) r += '\\\\';
      else if (c === 0x0a) r += '\\n';
      else r += '\\u' + ('000' + c.toString(16)).slice(-4);
    } else {
      r += s[i];
    }
  }
  return r;
}

function record(kind, text) {
  const body = kind + ' ' + ascii(text);
  const n = String(seq++);
  const line = '@@AH1 ' + n + ' ' + mac(n + ' ' + body) + ' ' + body + '\n';
  let off = 0;
  while (off < line.length) off += writeSync(out, line.slice(off));
}

// ---- canonical values -------------------------------------------------------------------

function str(s) {
  return stringify(s);
}

function isError(v) {
  if (v instanceof ErrorCtor) return true;
  try {
    return Object.prototype.toString.call(v) === '[object Error]';
  } catch {
    return false;
  }
}

function ctorName(v) {
  try {
    const p = getProto(v);
    if (p === null) return null;
    const c = p.constructor;
    return typeof c === 'function' ? fnName(c) : '';
  } catch {
    return '';
  }
}

function ser(v, depth, seen) {
  switch (typeof v) {
    case 'undefined':
      return 'undefined';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (v === 0 && 1 / v < 0) return '-0';
      return numToString.call(v);
    case 'bigint':
      return bigToString.call(v) + 'n';
    case 'string':
      return str(v);
    case 'symbol':
      return symToString.call(v);
    case 'function': {
      const n = fnName(v);
      return n ? '[Function ' + n + ']' : '[Function (anonymous)]';
    }
  }
  if (v === null) return 'null';
  if (seen.indexOf(v) !== -1) return '[Circular]';
  if (isError(v)) {
    let s = 'Error{name: ' + str(String(v.name));
    if (v.code !== undefined) s += ', code: ' + ser(v.code, depth + 1, seen);
    s += ', message: ' + str(String(v.message)) + '}';
    return s;
  }
  if (depth >= 4) return isArray(v) ? '[Array]' : '[Object]';
  seen.push(v);
  try {
    if (isArray(v)) {
      const parts = [];
      for (let i = 0; i < v.length; i++) parts.push(ser(v[i], depth + 1, seen));
      return '[' + parts.join(', ') + ']';
    }
    if (v instanceof MapCtor) {
      const parts = [];
      for (const [k, x] of mapEntries.call(v)) {
        parts.push(ser(k, depth + 1, seen) + ' => ' + ser(x, depth + 1, seen));
      }
      return 'Map{' + parts.join(', ') + '}';
    }
    if (v instanceof SetCtor) {
      const parts = [];
      for (const x of setValues.call(v)) parts.push(ser(x, depth + 1, seen));
      return 'Set{' + parts.join(', ') + '}';
    }
    if (v instanceof PromiseCtor) return 'Promise{}';
    if (v instanceof Date) return 'Date(' + dateToISO.call(v) + ')';
    if (v instanceof RegExp) return regToString.call(v);
    const name = ctorName(v);
    const parts = [];
    for (const k of keysOf(v)) {
      const key = /^[A-Za-z_$][\w$]*$/.test(k) ? k : str(k);
      parts.push(key + ': ' + ser(v[k], depth + 1, seen));
    }
    for (const s of symbolsOf(v)) {
      parts.push('[' + symToString.call(s) + ']: ' + ser(v[s], depth + 1, seen));
    }
    const prefix = name === 'Object' ? '' : name === null ? '[null prototype] ' : name + ' ';
    return prefix + '{' + parts.join(', ') + '}';
  } finally {
    seen.pop();
  }
}

function value(v) {
  try {
    return ser(v, 0, []);
  } catch (e) {
    return '[unserialisable]';
  }
}

function label(l) {
  const s = String(l);
  return /^[A-Za-z0-9_.\-\/#@=<>()\[\]+ ]*$/.test(s) && s.trim() === s && s !== '' ? s : str(s);
}

// ---- symbolic async ids -----------------------------------------------------------------

const rootId = ah.executionAsyncId();
const typeOf = new MapCtor(); // asyncId -> resource type, from init
const names = new MapCtor(); // asyncId -> symbolic name, given at first appearance
const counters = new MapCtor(); // type -> last number given
let anonymous = 0;

function nameOf(id) {
  if (typeof id !== 'number') return value(id);
  const known = names.get(id);
  if (known !== undefined) return known;
  let n;
  if (id === rootId) n = 'root';
  else if (id === 0) n = 'none';
  else if (typeOf.has(id)) {
    const t = typeOf.get(id);
    const c = (counters.get(t) || 0) + 1;
    counters.set(t, c);
    n = t + ':' + c;
  } else {
    n = 'async:' + ++anonymous;
  }
  names.set(id, n);
  return n;
}

if (CONFIG.hooks) {
  const shown = new SetCtor(CONFIG.hooks.types);
  const showAll = CONFIG.hooks.showOtherTypes;
  const visible = (id) => {
    const t = typeOf.get(id);
    return t !== undefined && (showAll || shown.has(t));
  };
  ah.createHook({
    init(id, type, trigger) {
      typeOf.set(id, String(type));
      if (visible(id)) record('hook', 'init ' + nameOf(id) + ' trigger=' + nameOf(trigger));
    },
    before(id) {
      if (visible(id)) record('hook', 'before ' + nameOf(id));
    },
    after(id) {
      if (visible(id)) record('hook', 'after ' + nameOf(id));
    },
    destroy(id) {
      if (visible(id)) record('hook', 'destroy ' + nameOf(id));
    },
    promiseResolve(id) {
      if (visible(id)) record('hook', 'promiseResolve ' + nameOf(id));
    },
  }).enable();
}

processOn('uncaughtExceptionMonitor', (err, origin) => {
  const kind = origin === 'unhandledRejection' ? 'rejection' : 'exception';
  record('uncaught', kind + ' ' + value(err));
});
processOn('exit', (code) => {
  record('end', String(code));
});

record('hello', '1');

function trace(l, ...values) {
  let text = label(l) + ':';
  if (values.length) text += ' ' + values.map(value).join(', ');
  record('log', text);
}
// The symbolic name of an async id (`root`, `Timeout:1`, ...), named at first appearance.
trace.id = (id) => nameOf(id);
Object.freeze(trace);
