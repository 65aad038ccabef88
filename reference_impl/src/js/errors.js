// Errors with Node's `name` and `code` (spec/errors.md). Messages follow Node's wording so that
// a case printing `e.message` sees the same text.

// A small model of util.inspect, enough for the values argument errors show: primitives,
// arrays, plain and class-instance objects, null-prototype objects, Map, Set, Date, RegExp,
// boxed primitives, with Node's line breaking (compact 3, lines of 80) and array grouping.
const BREAK_LENGTH = 80;

// Control characters, DEL and C1 controls, a backslash and the quote are escaped, as Node's
// strEscape does.
function escapeChar(c) {
  const code = c.charCodeAt(0);
  const named = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r', 92: '\\\\' };
  if (named[code] !== undefined) return named[code];
  if (code < 0x100) return `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
  return `\\u${code.toString(16)}`;
}

function quote(str) {
  let q = "'";
  if (str.includes("'")) {
    if (!str.includes('"')) q = '"';
    else if (!str.includes('`') && !str.includes('${')) q = '`';
  }
  const special = /[\x00-\x1f\x5c\x7f-\x9f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
  const body = str.replace(special, escapeChar).replace(new RegExp(q, 'g'), `\\${q}`);
  return q + body + q;
}

function keyText(k) {
  // Node 26 shows symbol keys without brackets: `{ Symbol(k): 1 }`.
  if (typeof k === 'symbol') return String(k);
  return /^[A-Za-z_$][\w$]*$/.test(k) ? k : quote(k);
}

function isBelowBreakLength(output, start) {
  let total = output.length + start;
  if (total + output.length > BREAK_LENGTH) return false;
  for (const entry of output) {
    total += entry.length;
    if (total > BREAK_LENGTH) return false;
  }
  return true;
}

// Node's groupArrayElements: more than six short array entries are set out in columns.
// `more` says whether the last entry is the `... N more items` line.
function groupArrayElements(output, indent, value, more) {
  let totalLength = 0;
  let maxLength = 0;
  const outputLength = more ? output.length - 1 : output.length;
  const separatorSpace = 2;
  const dataLen = new Array(outputLength);
  for (let i = 0; i < outputLength; i++) {
    const len = output[i].length;
    dataLen[i] = len;
    totalLength += len + separatorSpace;
    if (maxLength < len) maxLength = len;
  }
  const actualMax = maxLength + separatorSpace;
  if (actualMax * 3 + indent < BREAK_LENGTH
    && (totalLength / actualMax > 5 || maxLength <= 6)) {
    const averageBias = Math.sqrt(actualMax - totalLength / output.length);
    const biasedMax = Math.max(actualMax - 3 - averageBias, 1);
    const columns = Math.min(
      Math.round(Math.sqrt(2.5 * biasedMax * outputLength) / biasedMax),
      Math.floor((BREAK_LENGTH - indent) / actualMax),
      3 * 4,
      15,
    );
    if (columns <= 1) return output;
    const maxLineLength = [];
    for (let i = 0; i < columns; i++) {
      let lineLength = 0;
      for (let j = i; j < output.length; j += columns) {
        if (dataLen[j] > lineLength) lineLength = dataLen[j];
      }
      maxLineLength.push(lineLength + separatorSpace);
    }
    let padStart = true;
    for (let i = 0; i < output.length; i++) {
      if (typeof value[i] !== 'number' && typeof value[i] !== 'bigint') {
        padStart = false;
        break;
      }
    }
    const grouped = [];
    for (let i = 0; i < outputLength; i += columns) {
      const max = Math.min(i + columns, outputLength);
      let str = '';
      let j = i;
      for (; j < max - 1; j++) {
        const cell = `${output[j]}, `;
        str += padStart ? cell.padStart(maxLineLength[j - i]) : cell.padEnd(maxLineLength[j - i]);
      }
      str += padStart ? output[j].padStart(maxLineLength[j - i] - separatorSpace) : output[j];
      grouped.push(str);
    }
    if (more) grouped.push(output[outputLength]);
    return grouped;
  }
  return output;
}

// Node's reduceToSingleString with compact 3: one line when it fits, else one entry (or one
// group of array entries) a line.
function joinEntries(output, open, close, indent, array, more) {
  const entries = output.length;
  if (array !== undefined && entries > 6) output = groupArrayElements(output, indent, array, more);
  if (entries === output.length && isBelowBreakLength(output, output.length + indent + open.length + 10)) {
    const joined = output.join(', ');
    if (!joined.includes('\n')) return `${open} ${joined} ${close}`;
  }
  const ind = `\n${' '.repeat(indent)}`;
  return `${open}${ind}  ${output.join(`,${ind}  `)}${ind}${close}`;
}

// `indent` is the column the value starts at in a multi-line parent (Node's indentationLvl).
function inspectValue(v, depth, nested, indent = 0) {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  switch (typeof v) {
    case 'string':
      // A long string is shown line by line, joined with ` +`.
      if (v.length > 16 && v.length > BREAK_LENGTH - indent - 4) {
        return v.split(/(?<=\n)/).map(quote).join(` +\n${' '.repeat(indent + 2)}`);
      }
      return quote(v);
    case 'number': return Object.is(v, -0) ? '-0' : String(v);
    case 'bigint': return `${v}n`;
    case 'boolean': return String(v);
    case 'symbol': return String(v);
    case 'function': {
      const src = Function.prototype.toString.call(v);
      if (src.startsWith('class')) return v.name ? `[class ${v.name}]` : '[class (anonymous)]';
      return v.name ? `[Function: ${v.name}]` : '[Function (anonymous)]';
    }
    default: break;
  }
  if (v instanceof Date) return v.toISOString();
  if (v instanceof RegExp) return String(v);
  const boxed = boxedPrimitive(v);
  if (boxed !== undefined) return boxed;
  const proto = Object.getPrototypeOf(v);
  const ctor = constructorName(v);
  const inner = (x) => inspectValue(x, depth - 1, true, indent + 2);
  if (Array.isArray(v)) {
    if (depth < 0 && v.length > 0) return '[Array]';
    // At most 100 entries; runs of holes show as `<N empty items>`.
    const output = [];
    let i = 0;
    while (i < v.length && output.length < 100) {
      if (Object.prototype.hasOwnProperty.call(v, i)) {
        output.push(inner(v[i++]));
        continue;
      }
      let j = i;
      while (j < v.length && !Object.prototype.hasOwnProperty.call(v, j)) j++;
      output.push(`<${j - i} empty item${j - i > 1 ? 's' : ''}>`);
      i = j;
    }
    const more = v.length - i;
    if (more > 0) output.push(`... ${more} more item${more > 1 ? 's' : ''}`);
    const open = ctor === 'Array' ? '[' : `${ctor}(${v.length}) [`;
    return output.length === 0 ? `${open}]` : joinEntries(output, open, ']', indent, v, more > 0);
  }
  if (v instanceof Map) {
    if (depth < 0) return '[Map]';
    const output = [...v].map(([k, x]) => `${inner(k)} => ${inner(x)}`);
    return output.length === 0 ? `Map(0) {}` : joinEntries(output, `Map(${v.size}) {`, '}', indent);
  }
  if (v instanceof Set) {
    if (depth < 0) return '[Set]';
    const output = [...v].map(inner);
    return output.length === 0 ? `Set(0) {}` : joinEntries(output, `Set(${v.size}) {`, '}', indent);
  }
  const prefix = proto === null
    ? '[Object: null prototype] '
    : ctor && ctor !== 'Object' ? `${ctor} ` : '';
  const keys = [
    ...Object.keys(v),
    ...Object.getOwnPropertySymbols(v).filter((k) => Object.prototype.propertyIsEnumerable.call(v, k)),
  ];
  if (depth < 0 && keys.length > 0) {
    return proto === null ? '[Object: null prototype]' : `[${ctor || 'Object'}]`;
  }
  if (keys.length === 0) return `${prefix}{}`;
  const output = keys.map((k) => `${keyText(k)}: ${inner(v[k])}`);
  return joinEntries(output, `${prefix}{`, '}', indent);
}

// The name inspect shows before an object: the first `constructor` on the prototype chain,
// starting with the object itself, that is a named function the object is an instance of
// (so an anonymous class or a `constructor` that is not a function is passed over); null
// when the chain holds none (a null-prototype object).
function constructorName(v) {
  for (let o = v; o !== null; o = Object.getPrototypeOf(o)) {
    const d = Object.getOwnPropertyDescriptor(o, 'constructor');
    if (d !== undefined && typeof d.value === 'function' && d.value.name !== ''
      && v instanceof d.value) return String(d.value.name);
  }
  return null;
}

// A String, Number, Boolean, BigInt or Symbol object as inspect shows it, else undefined.
function boxedPrimitive(v) {
  const kinds = [
    ['String', String.prototype.valueOf, (x) => quote(x)],
    ['Number', Number.prototype.valueOf, (x) => (Object.is(x, -0) ? '-0' : String(x))],
    ['Boolean', Boolean.prototype.valueOf, String],
    ['BigInt', BigInt.prototype.valueOf, (x) => `${x}n`],
    ['Symbol', Symbol.prototype.valueOf, String],
  ];
  for (const [name, valueOf, show] of kinds) {
    let x;
    try {
      x = valueOf.call(v);
    } catch {
      continue;
    }
    return `[${name}: ${show(x)}]`;
  }
  return undefined;
}

// How ERR_INVALID_ARG_TYPE names the value it received.
function describe(value) {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return `function ${value.name}`;
  if (typeof value === 'object') {
    const ctor = value.constructor;
    if (ctor && ctor.name) return `an instance of ${ctor.name}`;
    return inspectValue(value, -1, false);
  }
  // Long strings are cut before they are quoted: in single quotes with nothing escaped, or,
  // when they hold a single quote, as JSON.stringify writes them. Other primitives are shown
  // whole.
  let shown;
  if (typeof value === 'string') {
    const cut = value.length > 28 ? `${value.slice(0, 25)}...` : value;
    shown = cut.includes("'") ? JSON.stringify(cut) : `'${cut}'`;
  } else {
    shown = inspectValue(value, 0, false);
  }
  return `type ${typeof value} (${shown})`;
}

// Node's hasBuiltInToString: whether `%s` inspects an object rather than converting it. An
// own toString or Symbol.toPrimitive is the object's own; otherwise the nearest prototype
// owning either decides, by whether its constructor is one of the built-in globals.
let builtInNames = null;
function hasBuiltInToString(value) {
  const own = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
  const never = () => false;
  let ownToString = own;
  let ownToPrimitive = own;
  if (typeof value.toString !== 'function') {
    if (typeof value[Symbol.toPrimitive] !== 'function') return true;
    if (own(value, Symbol.toPrimitive)) return false;
    ownToString = never;
  } else if (own(value, 'toString')) {
    return false;
  } else if (typeof value[Symbol.toPrimitive] !== 'function') {
    ownToPrimitive = never;
  } else if (own(value, Symbol.toPrimitive)) {
    return false;
  }
  let p = value;
  do {
    p = Object.getPrototypeOf(p);
    if (p === null) return true;
  } while (!ownToString(p, 'toString') && !ownToPrimitive(p, Symbol.toPrimitive));
  const d = Object.getOwnPropertyDescriptor(p, 'constructor');
  if (builtInNames === null) {
    builtInNames = new Set(Object.getOwnPropertyNames(globalThis)
      .filter((n) => /^[A-Z][a-zA-Z0-9]+$/.test(n)));
  }
  return d !== undefined && typeof d.value === 'function' && builtInNames.has(d.value.name);
}

// V8's source text for a function without one (built-in or bound); QuickJS writes it on
// three lines and names bound functions.
function functionText(fn) {
  const src = String(fn);
  const native = /^function (.*)\(\) \{\n +\[native code\]\n\}$/.exec(src);
  if (native === null) return src;
  const name = native[1].startsWith('bound ') ? '' : native[1];
  return `function ${name}() { [native code] }`;
}

// The `%s` of Node's message formatting: strings as they are, objects with a built-in
// toString inspected one level deep, everything else converted.
function formatS(value) {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return String(value);
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'function') return functionText(value);
  if (value !== null && typeof value === 'object' && hasBuiltInToString(value)) {
    return inspectValue(value, 0, false);
  }
  return String(value);
}

function nodeError(Base, code, message) {
  const e = new Base(message);
  Object.defineProperty(e, 'code', {
    value: code,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return e;
}

const codes = {
  ERR_INVALID_ARG_TYPE(name, expected, actual) {
    const kind = name.includes('.') ? 'property' : 'argument';
    return nodeError(
      TypeError,
      'ERR_INVALID_ARG_TYPE',
      `The "${name}" ${kind} must be ${expected}. Received ${describe(actual)}`,
    );
  },
  ERR_INVALID_ARG_VALUE(name, value, reason = 'is invalid') {
    return nodeError(
      TypeError,
      'ERR_INVALID_ARG_VALUE',
      `The argument '${name}' ${reason}. Received ${inspectValue(value, 2, false)}`,
    );
  },
  ERR_ASYNC_CALLBACK(name) {
    return nodeError(TypeError, 'ERR_ASYNC_CALLBACK', `${name} must be a function`);
  },
  ERR_ASYNC_TYPE(type) {
    return nodeError(TypeError, 'ERR_ASYNC_TYPE', `Invalid name for async "type": ${type}`);
  },
  ERR_INVALID_ASYNC_ID(kind, id) {
    return nodeError(RangeError, 'ERR_INVALID_ASYNC_ID', `Invalid ${kind} value: ${formatS(id)}`);
  },
  ERR_OUT_OF_RANGE(name, range, value) {
    return nodeError(
      RangeError,
      'ERR_OUT_OF_RANGE',
      `The value of "${name}" is out of range. It must be ${range}. Received ${String(value)}`,
    );
  },
  ERR_UNHANDLED_ERROR(err) {
    const e = nodeError(Error, 'ERR_UNHANDLED_ERROR', `Unhandled error. (${String(err)})`);
    e.context = err;
    return e;
  },
  ERR_METHOD_NOT_IMPLEMENTED(name) {
    return nodeError(Error, 'ERR_METHOD_NOT_IMPLEMENTED', `The ${name} method is not implemented`);
  },
  ERR_UNKNOWN_BUILTIN_MODULE(name) {
    return nodeError(Error, 'ERR_UNKNOWN_BUILTIN_MODULE', `No such built-in module: ${name}`);
  },
};

function validateFunction(value, name) {
  if (typeof value !== 'function') {
    throw codes.ERR_INVALID_ARG_TYPE(name, 'of type function', value);
  }
}

function validateString(value, name) {
  if (typeof value !== 'string') {
    throw codes.ERR_INVALID_ARG_TYPE(name, 'of type string', value);
  }
}

function validateObject(value, name) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw codes.ERR_INVALID_ARG_TYPE(name, 'of type object', value);
  }
}

// The shape of an error Node's libuv layer gives: `ENOENT: no such file or directory, open 'x'`.
const errnoText = {
  ENOENT: [-2, 'no such file or directory'],
  EACCES: [-13, 'permission denied'],
  EEXIST: [-17, 'file already exists'],
  EISDIR: [-21, 'illegal operation on a directory'],
  ENOTDIR: [-20, 'not a directory'],
  ENOTEMPTY: [-39, 'directory not empty'],
  EBADF: [-9, 'bad file descriptor'],
  EIO: [-5, 'i/o error'],
};

function uvError(code, syscall, path) {
  const [errno, text] = errnoText[code] || [-5, 'i/o error'];
  const e = new Error(`${code}: ${text}, ${syscall}${path !== undefined ? ` '${path}'` : ''}`);
  e.errno = errno;
  e.code = code;
  e.syscall = syscall;
  if (path !== undefined) e.path = path;
  return e;
}

internal.errors = { codes, inspectValue, formatS, nodeError, validateFunction, validateString, validateObject, uvError };

// Load an on-demand bootstrap file (the engine's ON_DEMAND list) the first time it is needed.
internal.need = (key, file) => {
  if (internal[key] === undefined) internal.host.loadInternal(file, internal);
  return internal[key];
};
