// Conformance driver for workerd, trace protocol 1 (see harness/PROTOCOL.md and
// harness/src/exec/workerd.rs, which renders this file as the worker's main module).
//
// A worker has no process lifetime and no "main script": code runs inside event handlers, and
// the runtime decides when a request is over. The driver maps the harness's model onto that:
//
// - `test()` is what `workerd test` calls. It takes the run's key from its `env` (a text binding
//   that only handlers see: the config sets `disallow_importable_env`, so neither `process.env`
//   nor `cloudflare:workers` exposes it), then sends one request to this same worker through a
//   service binding and waits for it.
// - That request's `fetch()` starts the shared prelude (hello record), then calls the case body,
//   and never answers. When the case's last timer, immediate or promise job has run, workerd
//   finds the request hung and cancels it. That cancellation is the worker's equivalent of
//   Node's event loop running dry, and `test()` sees it as the rejection of its `fetch`.
// - `test()` then writes the `end` record with the exit code Node would report: 0 after a dry
//   loop, N after `process.exit(N)` (workerd cancels the request with that code in its message),
//   1 after the case body threw or rejected at its top level. Any other cancellation is not an
//   exit: no `end` record, and `test()` fails with the runtime's reason.
//
// Both requests run in the same isolate, so they share this module's state: the key moves from
// one handler to the other in a closure the case cannot reach, and the sequence numbers of the
// records continue. Records are written with `console.log`, which workerd sends to stdout; the
// harness points workerd's stdout at the trace pipe.
import * as ah from 'node:async_hooks';
import runCase from '/*CASE_MODULE*/';

// Captured before the case runs, like the built-ins the prelude itself captures.
const apply = Reflect.apply;
const consoleObject = console;
const consoleLog = console.log;
const sliceString = String.prototype.slice;
const includesString = String.prototype.includes;
const execRegExp = RegExp.prototype.exec;
const ErrorCtor = Error;
const PromiseCtor = Promise;
const ResponseCtor = Response;

const HUNG = "detected that your Worker's code had hung";
const EXIT = /process\.exit\((-?\d+)\) API was called/;

let testStarted = false; // test() runs once
let pendingKey = null; // the key, from test() to the case request
let caseStarted = false; // the case request runs once
let writeRecord = null; // the prelude's record(), once the case request has started it
let caseThrew = false; // the case body threw (or rejected) at its top level

// The shared prelude body, run once per case inside the case request. Its I/O goes through the
// small `fs` below: the key comes from test(), and each record becomes one console.log line.
function startPrelude(runKey) {
  const fs = {
    readFileSync: () => runKey,
    openSync: () => 1,
    writeSync: (_fd, text) => {
      apply(consoleLog, consoleObject, [apply(sliceString, text, [0, -1])]);
      return text.length;
    },
  };
  /*PRELUDE*/
  return { trace, record };
}

async function runBody(trace) {
  try {
    await runCase(trace);
  } catch (e) {
    caseThrew = true;
    throw e;
  }
  // Never settles: the runtime ends this request once nothing is left to run.
  return new PromiseCtor(() => {});
}

function exitCode(err) {
  if (caseThrew) return 1;
  let message = '';
  try {
    message = String(err && err.message);
  } catch {
    return null;
  }
  const m = apply(execRegExp, EXIT, [message]);
  if (m !== null) return Number(m[1]);
  if (apply(includesString, message, [HUNG])) return 0;
  return null;
}

export default {
  async test(_controller, env) {
    if (testStarted) throw new ErrorCtor('the conformance driver runs once per process');
    testStarted = true;
    pendingKey = String(env.AH_KEY);
    let outcome;
    try {
      await env.CASE.fetch('http://case/');
      outcome = new ErrorCtor('the case request answered, which the driver never does');
    } catch (e) {
      outcome = e;
    }
    const code = exitCode(outcome);
    if (writeRecord === null) {
      throw new ErrorCtor('the case request did not start the prelude: ' + String(outcome));
    }
    if (code === null) {
      throw new ErrorCtor('the case request was cancelled: ' + String(outcome && outcome.message));
    }
    writeRecord('end', String(code));
  },

  fetch() {
    if (caseStarted || pendingKey === null) return new ResponseCtor(null, { status: 409 });
    caseStarted = true;
    // Node runs a case in its own writable temp dir; the worker's counterpart is /tmp (the
    // default working directory, /bundle, holds the modules and is read-only).
    process.chdir('/tmp');
    const runKey = pendingKey;
    pendingKey = null;
    const prelude = startPrelude(runKey);
    writeRecord = prelude.record;
    return runBody(prelude.trace);
  },
};
