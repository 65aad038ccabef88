// On demand: node:assert and node:assert/strict (spec: MOD-005). The checks follow Node's
// lib/assert.js: what passes, which AssertionError a failure throws (code, actual, expected,
// operator, generatedMessage) and the messages of the simple cases (two primitives compared,
// a missing exception or rejection, a wrong error class). Node's diff output for objects is not
// modelled: those messages say only what failed.

const { inspectValue, codes, validateFunction } = internal.errors;

const inspect = (v) => inspectValue(v, 2, false);

const readable = {
  strictEqual: 'Expected values to be strictly equal:',
  deepStrictEqual: 'Expected values to be strictly deep-equal:',
  deepEqual: 'Expected values to be loosely deep-equal:',
  equal: 'Expected values to be loosely equal:',
  notStrictEqual: 'Expected "actual" to be strictly unequal to:',
  notDeepStrictEqual: 'Expected "actual" not to be strictly deep-equal to:',
  notDeepEqual: 'Expected "actual" not to be loosely deep-equal to:',
  notEqual: 'Expected "actual" to be loosely unequal to:',
};

const isPrimitive = (v) => v === null || (typeof v !== 'object' && typeof v !== 'function');

function generated(actual, expected, operator) {
  const head = readable[operator] || `Failed: ${operator}`;
  if (isPrimitive(actual) && isPrimitive(expected) && operator in readable && !operator.startsWith('not')) {
    const sign = operator === 'strictEqual' ? '!==' : operator === 'equal' ? '!=' : '!==';
    return `${head}\n\n${inspect(actual)} ${sign} ${inspect(expected)}\n`;
  }
  if (operator.startsWith('not')) return `${head}\n\n${inspect(actual)}\n`;
  return `${head}\n\n${inspect(actual)}\n\nshould equal\n\n${inspect(expected)}\n`;
}

class AssertionError extends Error {
  constructor(options) {
    if (options === null || typeof options !== 'object') {
      throw codes.ERR_INVALID_ARG_TYPE('options', 'of type object', options);
    }
    const { message, actual, expected, operator } = options;
    let text;
    if (message != null) {
      text = String(message);
      // Node 26 appends the comparison of two primitives to a custom message.
      if (operator === 'strictEqual' && isPrimitive(actual) && isPrimitive(expected)) {
        text += `\n\n${inspect(actual)} !== ${inspect(expected)}\n`;
      }
    } else {
      text = generated(actual, expected, operator);
    }
    super(text);
    this.generatedMessage = message == null;
    Object.defineProperty(this, 'name', {
      value: 'AssertionError',
      enumerable: false,
      writable: true,
      configurable: true,
    });
    this.code = 'ERR_ASSERTION';
    this.actual = actual;
    this.expected = expected;
    this.operator = operator;
    this.diff = 'simple';
  }

  toString() {
    return `${this.name} [${this.code}]: ${this.message}`;
  }
}

function innerFail(obj) {
  if (obj.message instanceof Error) throw obj.message;
  throw new AssertionError(obj);
}

// ---- comparison ----------------------------------------------------------------------------

function ownKeys(v) {
  return [
    ...Object.keys(v),
    ...Object.getOwnPropertySymbols(v).filter((s) => Object.prototype.propertyIsEnumerable.call(v, s)),
  ];
}

function isDeepEqual(a, b, strict, memo = new Map()) {
  if (strict ? Object.is(a, b) : a == b || (a !== a && b !== b)) return true;
  if (isPrimitive(a) || isPrimitive(b)) {
    if (strict || typeof a === 'object' || typeof b === 'object') return false;
    return a == b;
  }
  if (strict && Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const tag = Object.prototype.toString.call(a);
  if (tag !== Object.prototype.toString.call(b)) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const seen = memo.get(a);
  if (seen && seen.has(b)) return true;
  if (seen) seen.add(b);
  else memo.set(a, new Set([b]));
  if (a instanceof Date) {
    if (a.getTime() !== b.getTime()) return false;
  } else if (a instanceof RegExp) {
    if (a.source !== b.source || a.flags !== b.flags || a.lastIndex !== b.lastIndex) return false;
  } else if (a instanceof Error) {
    if (a.message !== b.message || a.name !== b.name) return false;
  } else if (a instanceof Number || a instanceof String || a instanceof Boolean) {
    if (!Object.is(a.valueOf(), b.valueOf())) return false;
  }
  if (Array.isArray(a) && a.length !== b.length) return false;
  const ka = strict ? ownKeys(a) : Object.keys(a);
  const kb = strict ? ownKeys(b) : Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.propertyIsEnumerable.call(b, k)) return false;
    if (!isDeepEqual(a[k], b[k], strict, memo)) return false;
  }
  if (a instanceof Map) {
    if (a.size !== b.size) return false;
    for (const [k, v] of a) {
      if (b.has(k)) {
        if (!isDeepEqual(v, b.get(k), strict, memo)) return false;
        continue;
      }
      if (isPrimitive(k)) return false;
      let found = false;
      for (const [k2, v2] of b) {
        if (isDeepEqual(k, k2, strict, memo) && isDeepEqual(v, v2, strict, memo)) {
          found = true;
          break;
        }
      }
      if (!found) return false;
    }
  } else if (a instanceof Set) {
    if (a.size !== b.size) return false;
    for (const v of a) {
      if (b.has(v)) continue;
      if (isPrimitive(v) && strict) return false;
      let found = false;
      for (const v2 of b) {
        if (isDeepEqual(v, v2, strict, memo)) {
          found = true;
          break;
        }
      }
      if (!found) return false;
    }
  }
  return true;
}

// ---- the checks ----------------------------------------------------------------------------

function innerOk(fn, argLen, value, message) {
  if (value) return;
  let generatedMessage = false;
  if (argLen === 0) {
    generatedMessage = true;
    message = 'No value argument passed to `assert.ok()`';
  } else if (message == null) {
    generatedMessage = true;
    message = `The expression evaluated to a falsy value:\n\n  ${fn.name}(${inspect(value)})\n`;
  } else if (message instanceof Error) {
    throw message;
  }
  const err = new AssertionError({ actual: value, expected: true, message, operator: '==' });
  err.generatedMessage = generatedMessage;
  throw err;
}

function ok(...args) {
  innerOk(ok, args.length, ...args);
}

function assert(...args) {
  innerOk(assert, args.length, ...args);
}

function missingArgs(n) {
  if (n < 2) {
    const e = new TypeError('The "actual" and "expected" arguments must be specified');
    e.code = 'ERR_MISSING_ARGS';
    throw e;
  }
}

function compare(operator, passes) {
  return {
    [operator](actual, expected, message) {
      missingArgs(arguments.length);
      if (!passes(actual, expected)) innerFail({ actual, expected, message, operator });
    },
  }[operator];
}

const strictEqual = compare('strictEqual', Object.is);
const notStrictEqual = compare('notStrictEqual', (a, b) => !Object.is(a, b));
const equal = compare('equal', (a, b) => a == b || (a !== a && b !== b));
const notEqual = compare('notEqual', (a, b) => !(a == b || (a !== a && b !== b)));
const deepStrictEqual = compare('deepStrictEqual', (a, b) => isDeepEqual(a, b, true));
const notDeepStrictEqual = compare('notDeepStrictEqual', (a, b) => !isDeepEqual(a, b, true));
const deepEqual = compare('deepEqual', (a, b) => isDeepEqual(a, b, false));
const notDeepEqual = compare('notDeepEqual', (a, b) => !isDeepEqual(a, b, false));

function fail(message = 'Failed') {
  if (message instanceof Error) throw message;
  const err = new AssertionError({ message, operator: 'fail' });
  err.generatedMessage = arguments.length === 0;
  throw err;
}

const NO_EXCEPTION = {};

function compareExceptionKey(actual, expected, key, message, keys, fn) {
  if (!(key in actual) || !isDeepEqual(actual[key], expected[key], true)) {
    if (!message) {
      const a = {};
      const b = {};
      for (const k of keys) {
        if (k in actual) a[k] = actual[k];
        b[k] = expected[k];
      }
      const err = new AssertionError({ actual: a, expected: b, operator: 'deepStrictEqual' });
      err.actual = actual;
      err.expected = expected;
      err.operator = fn.name;
      throw err;
    }
    innerFail({ actual, expected, message, operator: fn.name });
  }
}

function expectedException(actual, expected, message, fn) {
  let generatedMessage = false;
  let throwError = false;
  if (typeof expected !== 'function') {
    if (expected instanceof RegExp) {
      const str = String(actual);
      if (expected.exec(str) !== null) return;
      if (!message) {
        generatedMessage = true;
        message = `The input did not match the regular expression ${inspect(expected)}. Input:\n\n${inspect(str)}\n`;
      }
      throwError = true;
    } else if (typeof actual !== 'object' || actual === null) {
      const err = new AssertionError({ actual, expected, message, operator: 'deepStrictEqual' });
      err.operator = fn.name;
      throw err;
    } else {
      const keys = Object.keys(expected);
      if (expected instanceof Error) keys.push('name', 'message');
      else if (keys.length === 0) {
        const e = new TypeError(`The argument 'error' may not be an empty object. Received {}`);
        e.code = 'ERR_INVALID_ARG_VALUE';
        throw e;
      }
      for (const key of keys) {
        if (typeof actual[key] === 'string' && expected[key] instanceof RegExp && expected[key].exec(actual[key]) !== null) {
          continue;
        }
        compareExceptionKey(actual, expected, key, message, keys, fn);
      }
      return;
    }
  } else if (expected.prototype !== undefined && actual instanceof expected) {
    return;
  } else if (Object.prototype.isPrototypeOf.call(Error, expected)) {
    if (!message) {
      generatedMessage = true;
      message = `The error is expected to be an instance of "${expected.name}". Received `;
      if (actual instanceof Error) {
        const name = (actual.constructor && actual.constructor.name) || actual.name;
        if (expected.name === name) message += 'an error with identical name but a different prototype.';
        else message += `"${name}"`;
        if (actual.message) message += `\n\nError message:\n\n${actual.message}`;
      } else {
        message += `"${inspectValue(actual, -1, false)}"`;
      }
    }
    throwError = true;
  } else {
    const res = Reflect.apply(expected, {}, [actual]);
    if (res !== true) {
      if (!message) {
        generatedMessage = true;
        const name = expected.name ? `"${expected.name}" ` : '';
        message = `The ${name}validation function is expected to return "true". Received ${inspect(res)}`;
        if (actual instanceof Error) message += `\n\nCaught error:\n\n${actual}`;
      }
      throwError = true;
    }
  }
  if (throwError) {
    const err = new AssertionError({ actual, expected, message, operator: fn.name });
    err.generatedMessage = generatedMessage;
    throw err;
  }
}

function getActual(fn) {
  validateFunction(fn, 'fn');
  try {
    fn();
  } catch (e) {
    return e;
  }
  return NO_EXCEPTION;
}

const isPromiseLike = (v) =>
  v instanceof Promise ||
  (v !== null && typeof v === 'object' && typeof v.then === 'function' && typeof v.catch === 'function');

async function waitForActual(promiseFn) {
  let resultPromise;
  if (typeof promiseFn === 'function') {
    resultPromise = promiseFn();
    if (!isPromiseLike(resultPromise)) {
      const e = new TypeError(`Expected instance of Promise to be returned from the "promiseFn" function but got ${inspectValue(resultPromise, -1, false)}.`);
      e.code = 'ERR_INVALID_RETURN_VALUE';
      throw e;
    }
  } else if (isPromiseLike(promiseFn)) {
    resultPromise = promiseFn;
  } else {
    throw codes.ERR_INVALID_ARG_TYPE('promiseFn', 'of type function or an instance of Promise', promiseFn);
  }
  try {
    await resultPromise;
  } catch (e) {
    return e;
  }
  return NO_EXCEPTION;
}

function expectsError(stackStartFn, actual, error, message) {
  if (typeof error === 'string') {
    message = error;
    error = undefined;
  }
  if (actual === NO_EXCEPTION) {
    let details = '';
    if (error && error.name) details += ` (${error.name})`;
    details += message ? `: ${message}` : '.';
    const fnType = stackStartFn === rejects ? 'rejection' : 'exception';
    const err = new AssertionError({
      actual: undefined,
      expected: error,
      operator: stackStartFn.name,
      message: `Missing expected ${fnType}${details}`,
    });
    throw err;
  }
  if (!error) return;
  expectedException(actual, error, message, stackStartFn);
}

function hasMatchingError(actual, expected) {
  if (typeof expected !== 'function') {
    if (expected instanceof RegExp) return expected.exec(String(actual)) !== null;
    throw codes.ERR_INVALID_ARG_TYPE('expected', 'of type function or an instance of RegExp', expected);
  }
  if (expected.prototype !== undefined && actual instanceof expected) return true;
  if (Object.prototype.isPrototypeOf.call(Error, expected)) return false;
  return Reflect.apply(expected, {}, [actual]) === true;
}

function expectsNoError(stackStartFn, actual, error, message) {
  if (actual === NO_EXCEPTION) return;
  if (typeof error === 'string') {
    message = error;
    error = undefined;
  }
  if (!error || hasMatchingError(actual, error)) {
    const details = message ? `: ${message}` : '.';
    const fnType = stackStartFn === doesNotReject ? 'rejection' : 'exception';
    throw new AssertionError({
      actual,
      expected: error,
      operator: stackStartFn.name,
      message: `Got unwanted ${fnType}${details}\nActual message: "${actual && actual.message}"`,
    });
  }
  throw actual;
}

function throws(fn, ...args) {
  expectsError(throws, getActual(fn), ...args);
}

async function rejects(promiseFn, ...args) {
  expectsError(rejects, await waitForActual(promiseFn), ...args);
}

function doesNotThrow(fn, ...args) {
  expectsNoError(doesNotThrow, getActual(fn), ...args);
}

async function doesNotReject(fn, ...args) {
  expectsNoError(doesNotReject, await waitForActual(fn), ...args);
}

function ifError(err) {
  if (err !== null && err !== undefined) {
    const e = new AssertionError({
      actual: err,
      expected: null,
      operator: 'ifError',
      message: `ifError got unwanted exception: ${err && err.message !== undefined ? err.message : inspect(err)}`,
    });
    e.generatedMessage = false;
    throw e;
  }
}

function match(string, regexp, message) {
  if (typeof string !== 'string' || regexp.exec(string) === null) {
    const err = new AssertionError({
      actual: string,
      expected: regexp,
      message: message || `The input did not match the regular expression ${inspect(regexp)}. Input:\n\n${inspect(string)}\n`,
      operator: 'match',
    });
    err.generatedMessage = !message;
    throw err;
  }
}

function doesNotMatch(string, regexp, message) {
  if (typeof string !== 'string' || regexp.exec(string) !== null) {
    const err = new AssertionError({
      actual: string,
      expected: regexp,
      message: message || `The input was expected to not match the regular expression ${inspect(regexp)}. Input:\n\n${inspect(string)}\n`,
      operator: 'doesNotMatch',
    });
    err.generatedMessage = !message;
    throw err;
  }
}

Object.assign(assert, {
  fail,
  ok,
  equal,
  notEqual,
  deepEqual,
  notDeepEqual,
  deepStrictEqual,
  notDeepStrictEqual,
  strictEqual,
  notStrictEqual,
  throws,
  rejects,
  doesNotThrow,
  doesNotReject,
  ifError,
  match,
  doesNotMatch,
  AssertionError,
});

function strict(...args) {
  innerOk(strict, args.length, ...args);
}
Object.assign(strict, assert, {
  equal: strictEqual,
  deepEqual: deepStrictEqual,
  notEqual: notStrictEqual,
  notDeepEqual: notDeepStrictEqual,
});
assert.strict = strict;
strict.strict = strict;

internal.assert = { module: assert, strict };
