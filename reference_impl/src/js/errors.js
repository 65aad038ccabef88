// Errors with Node's `name` and `code` (spec/errors.md). Messages follow Node's wording so that
// a case printing `e.message` sees the same text.

// A small model of util.inspect, enough for the values argument errors show: primitives,
// arrays, plain and class-instance objects, null-prototype objects, Map, Set, Date, RegExp.
function quote(str) {
  let q = "'";
  if (str.includes("'")) {
    if (!str.includes('"')) q = '"';
    else if (!str.includes('`') && !str.includes('${')) q = '`';
  }
  const body = str.replace(/\\/g, '\\\\').replace(new RegExp(q, 'g'), `\\${q}`);
  return q + body + q;
}

function keyText(k) {
  // Node 26 shows symbol keys without brackets: `{ Symbol(k): 1 }`.
  if (typeof k === 'symbol') return String(k);
  return /^[A-Za-z_$][\w$]*$/.test(k) ? k : quote(k);
}

function inspectValue(v, depth, nested) {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  switch (typeof v) {
    case 'string': return nested ? quote(v) : quote(v);
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
  if (Array.isArray(v)) {
    if (depth < 0 && v.length > 0) return '[Array]';
    // Runs of holes show as `<N empty items>`.
    const items = [];
    for (let i = 0; i < v.length;) {
      let holes = 0;
      while (i < v.length && !Object.prototype.hasOwnProperty.call(v, i)) { holes++; i++; }
      if (holes > 0) items.push(`<${holes} empty item${holes > 1 ? 's' : ''}>`);
      else items.push(inspectValue(v[i++], depth - 1, true));
    }
    return items.length === 0 ? '[]' : `[ ${items.join(', ')} ]`;
  }
  if (v instanceof Map) {
    if (depth < 0) return '[Map]';
    const items = [...v].map(([k, x]) => `${inspectValue(k, depth - 1, true)} => ${inspectValue(x, depth - 1, true)}`);
    return items.length === 0 ? `Map(0) {}` : `Map(${v.size}) { ${items.join(', ')} }`;
  }
  if (v instanceof Set) {
    if (depth < 0) return '[Set]';
    const items = [...v].map((x) => inspectValue(x, depth - 1, true));
    return items.length === 0 ? `Set(0) {}` : `Set(${v.size}) { ${items.join(', ')} }`;
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
  const items = keys.map((k) => `${keyText(k)}: ${inspectValue(v[k], depth - 1, true)}`);
  return `${prefix}{ ${items.join(', ')} }`;
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
