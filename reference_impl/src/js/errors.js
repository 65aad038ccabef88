// Errors with Node's `name` and `code` (spec/errors.md). Messages follow Node's wording so that
// a case printing `e.message` sees the same text.

function describe(value) {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') {
    return value.name ? `function ${value.name}` : 'function';
  }
  if (typeof value === 'object') {
    const ctor = value.constructor;
    if (ctor && ctor.name) return `an instance of ${ctor.name}`;
    return 'an instance of Object';
  }
  let shown;
  if (typeof value === 'string') {
    shown = value.length > 28 ? `'${value.slice(0, 25)}...'` : `'${value}'`;
  } else if (typeof value === 'bigint') {
    shown = `${value}n`;
  } else if (typeof value === 'symbol') {
    shown = String(value);
  } else {
    shown = Object.is(value, -0) ? '-0' : String(value);
  }
  return `type ${typeof value} (${shown})`;
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
      `The argument '${name}' ${reason}. Received ${String(value)}`,
    );
  },
  ERR_ASYNC_CALLBACK(name) {
    return nodeError(TypeError, 'ERR_ASYNC_CALLBACK', `${name} must be a function`);
  },
  ERR_ASYNC_TYPE(type) {
    return nodeError(TypeError, 'ERR_ASYNC_TYPE', `Invalid name for async "type": ${type}`);
  },
  ERR_INVALID_ASYNC_ID(kind, id) {
    return nodeError(RangeError, 'ERR_INVALID_ASYNC_ID', `Invalid ${kind} value: ${String(id)}`);
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

internal.errors = { codes, nodeError, validateFunction, validateString, validateObject, uvError };

// Load an on-demand bootstrap file (the engine's ON_DEMAND list) the first time it is needed.
internal.need = (key, file) => {
  if (internal[key] === undefined) internal.host.loadInternal(file, internal);
  return internal[key];
};
