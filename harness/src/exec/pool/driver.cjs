// Pool driver: runs many cases in one runtime process, one after another, each in a worker
// thread of its own (its own isolate: its own globals, hooks, stores and event loop).
//
// Protocol with the harness (harness/src/exec/pool.rs):
// - fd 62 (set up by the harness): one JSON job per line: { id, nonce, main, key, channel, env }.
//   `main` is the case module, `key` the trace key, `channel` the file the prelude writes the
//   trace channel to, `env` what the case's environment has besides the process's (its HOME
//   and TMPDIR), `nonce` a random word the reply echoes.
// - fd 63 (set up by the harness): one JSON result per line, in job order:
//   { id, nonce, code, stdout, stderr, dirty }. `code` is the worker's exit code;
//   `stdout`/`stderr` what the case wrote (cut to a head), plus, for an error that ended the
//   worker, what the runtime prints for it on a main thread; `dirty` says what the case left in
//   the process that this driver cannot undo (descriptors, child processes, V8 flags), and the
//   harness then retires the process.
// - Each job gets a shared cell in `workerData.flags`; the prelude takes it out before the case
//   runs and marks it when the case sets V8 flags (process-wide, so they would reach every
//   later case).
// - Before each case the driver empties the process's private /tmp (the sandbox's), so that
//   no case finds what an earlier one left there; the harness empties the working directory.
// - The process's own stdout and stderr are drained and dropped by the harness: a case that
//   writes to fd 1 or 2 directly (not through process.stdout) reaches them and cannot disturb
//   the protocol; fd 3, which a case may take for the trace channel, is /dev/null, and so is
//   stdin, so a case reading it gets what it gets as a process once the key is read: nothing.
// - The key reaches the case's prelude in `workerData`, which the prelude removes it from before
//   the case runs, so the case cannot read it.
'use strict';

const { Worker } = require('node:worker_threads');
const { createReadStream, openSync, writeSync, readdirSync, readlinkSync, readFileSync, rmSync } =
  require('node:fs');

const HEAD = 16 * 1024;
// Opened by path: Deno's node:fs writes only to descriptors it opened itself.
const replies = openSync('/dev/fd/63', 'w');
let pending = '';
const queue = [];
let busy = false;
let inputEnded = false;

function head(chunks) {
  const text = Buffer.concat(chunks).toString('utf8');
  return text.length > HEAD ? text.slice(0, HEAD) : text;
}

function reply(obj) {
  const line = JSON.stringify(obj) + '\n';
  let off = 0;
  const bytes = Buffer.from(line, 'utf8');
  while (off < bytes.length) off += writeSync(replies, bytes, off);
}

// What the process holds that a case could leave behind: its open descriptors (by number and
// target) and whether it has child processes.
function holdings() {
  const fds = [];
  try {
    for (const fd of readdirSync('/proc/self/fd')) {
      let target = '';
      try {
        target = readlinkSync(`/proc/self/fd/${fd}`);
      } catch {}
      fds.push(`${fd}:${target}`);
    }
  } catch {}
  let children = 0;
  try {
    for (const task of readdirSync('/proc/self/task')) {
      const list = readFileSync(`/proc/self/task/${task}/children`, 'utf8').trim();
      if (list) children += list.split(/\s+/).length;
    }
  } catch {}
  return { fds, children };
}

// The listing of /proc/self/fd holds the descriptor that reads it, which may differ.
function leftBehind(before, after, flagsSet) {
  const was = new Set(before.fds);
  const added = after.fds.filter((f) => !was.has(f) && !/:\/proc\/[^/]+\/fd$/.test(f));
  const why = [];
  if (added.length > 0) why.push(`descriptors left open: ${added.join(', ')}`);
  if (after.children > 0) why.push(`${after.children} child process(es) still running`);
  if (flagsSet) why.push('V8 flags set');
  return why.length ? why.join('; ') : undefined;
}

// The process's home and the driver's dir are mounted inside /tmp: they stay.
const mounted = [process.cwd(), __dirname];

function emptyTmp() {
  try {
    for (const name of readdirSync('/tmp')) {
      const path = `/tmp/${name}`;
      if (mounted.some((m) => m === path || m.startsWith(`${path}/`))) continue;
      try {
        rmSync(path, { recursive: true, force: true });
      } catch {}
    }
  } catch {}
}

function runNext() {
  if (busy) return;
  const job = queue.shift();
  if (!job) {
    if (inputEnded) process.exit(0);
    return;
  }
  busy = true;
  emptyTmp();
  const before = holdings();
  const flags = new SharedArrayBuffer(4);
  const out = [];
  const err = [];
  let worker;
  try {
    worker = new Worker(job.main, {
      workerData: { key: job.key, channel: job.channel, flags },
      env: Object.assign({}, process.env, job.env),
      stdout: true,
      stderr: true,
      argv: [],
    });
  } catch (e) {
    reply({
      id: job.id,
      nonce: job.nonce,
      code: -1,
      stdout: '',
      stderr: `pool: cannot start a worker: ${e && e.stack}`,
    });
    busy = false;
    setImmediate(runNext);
    return;
  }
  let open = 3; // stdout, stderr, exit
  let code = -1;
  const done = () => {
    if (--open > 0) return;
    const dirty = leftBehind(before, holdings(), new Int32Array(flags)[0] !== 0);
    reply({ id: job.id, nonce: job.nonce, code, stdout: head(out), stderr: head(err), dirty });
    busy = false;
    setImmediate(runNext);
  };
  worker.stdout.on('data', (d) => out.push(d));
  worker.stderr.on('data', (d) => err.push(d));
  worker.stdout.on('end', done);
  worker.stderr.on('end', done);
  worker.on('error', (e) => {
    err.push(Buffer.from(`Uncaught ${e && e.stack ? e.stack : String(e)}\n`, 'utf8'));
  });
  worker.on('exit', (c) => {
    code = c;
    done();
  });
}

const jobs = createReadStream('/dev/fd/62', { encoding: 'utf8' });
jobs.on('data', (chunk) => {
  pending += chunk;
  let nl;
  while ((nl = pending.indexOf('\n')) >= 0) {
    const line = pending.slice(0, nl);
    pending = pending.slice(nl + 1);
    if (line.trim()) queue.push(JSON.parse(line));
  }
  runNext();
});
jobs.on('end', () => {
  inputEnded = true;
  runNext();
});
