// SPDX-License-Identifier: MIT
// bench/peers.mjs - the JavaScript peers, driven offline from a corpus file.
//
//   node peers.mjs SUBJECT [--reps N] [--budget S] [--chunk N] [--once] FILE
//
// SUBJECT:
//   esp_json    eventsource-parser's createParser, bytes decoded with a
//               streaming TextDecoder, JSON.parse of every event's data
//   sdk_stream  @anthropic-ai/sdk Stream.fromSSEResponse over a fake
//               Response whose body is a ReadableStream of the file's bytes
//               (SSE decoding + JSON.parse, as the SDK does for every stream)
//   sdk_message @anthropic-ai/sdk client.messages.stream() with a fake fetch
//               returning that Response: the MessageStream accumulates every
//               event; finalMessage() is awaited
//   sdk_compare --ref REPORT.json: one pass of sdk_message over a one-message
//               file, compared block by block with `sseval check --json`'s
//               rebuilt message (both sides did the whole work, and agree)
//
// The corpus is split at `event: message_start` lines (one HTTP response per
// message, as bench_sseval does for the Claude layer); the byte stream of each
// message is handed over in --chunk byte pieces (default 65536).
//
// Default: timed reps, one `R` record on stdout in bench.h's format (memchr
// columns 0: there is no memchr in node; run.sh measures memchr right before
// and after). Times are process CPU time, as in bench.h; wall time follows.
// --once: one pass, prints the event count (the whole-process comparison).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';

const args = process.argv.slice(2);
const subject = args.shift();
let reps = 7, budget = 20, chunk = 65536, once = false, file = null, ref = null;
while (args.length) {
  const a = args.shift();
  if (a === '--reps') reps = Math.max(1, parseInt(args.shift(), 10));
  else if (a === '--budget') budget = parseFloat(args.shift());
  else if (a === '--chunk') chunk = Math.max(1, parseInt(args.shift(), 10));
  else if (a === '--once') once = true;
  else if (a === '--ref') ref = args.shift();
  else file = a;
}
if (!subject || !file) {
  console.error('usage: node peers.mjs esp_json|sdk_stream|sdk_message [--reps N] [--budget S] [--chunk N] [--once] FILE');
  process.exit(1);
}

const buf = readFileSync(file);

// Message boundaries, same rule as bench.h's bench_split.
function split(b) {
  const pat = Buffer.from('event: message_start');
  const offs = [];
  let i = 0;
  for (;;) {
    const at = b.indexOf(pat, i);
    if (at < 0) break;
    const before = at === 0 ? 10 : b[at - 1];
    const after = b[at + pat.length];
    if ((before === 10 || before === 13) && (after === 10 || after === 13)) offs.push(at);
    i = at + 1;
  }
  if (offs.length === 0 || offs[0] !== 0) offs.unshift(0);
  const parts = [];
  for (let k = 0; k < offs.length; k++) {
    parts.push(b.subarray(offs[k], k + 1 < offs.length ? offs[k + 1] : b.length));
  }
  return parts;
}
const messages = split(buf);

function bodyStream(bytes) {
  let off = 0;
  return new ReadableStream({
    type: 'bytes',
    pull(ctrl) {
      if (off >= bytes.length) {
        ctrl.close();
        return;
      }
      const n = Math.min(chunk, bytes.length - off);
      // A fresh Uint8Array per chunk, as a network stack hands them over.
      ctrl.enqueue(new Uint8Array(bytes.subarray(off, off + n)));
      off += n;
    },
  });
}

function fakeResponse(bytes) {
  return new Response(bodyStream(bytes), {
    status: 200,
    headers: { 'content-type': 'text/event-stream', 'request-id': 'req_bench' },
  });
}

let sink = 0;

async function runEsp() {
  const { createParser } = await import('eventsource-parser');
  let events = 0;
  for (const m of messages) {
    const parser = createParser({
      onEvent(ev) {
        events++;
        const v = JSON.parse(ev.data);
        sink += v.type.length;
      },
    });
    const dec = new TextDecoder();
    for (let off = 0; off < m.length; off += chunk) {
      parser.feed(dec.decode(m.subarray(off, Math.min(off + chunk, m.length)), { stream: true }));
    }
    parser.feed(dec.decode());
  }
  return events;
}

let Stream = null;
async function runSdkStream() {
  if (!Stream) ({ Stream } = await import('@anthropic-ai/sdk/core/streaming'));
  let events = 0;
  for (const m of messages) {
    const s = Stream.fromSSEResponse(fakeResponse(m), new AbortController());
    for await (const ev of s) {
      events++;
      sink += ev.type.length;
    }
  }
  return events;
}

let Anthropic = null;
async function runSdkMessage() {
  if (!Anthropic) Anthropic = (await import('@anthropic-ai/sdk')).default;
  let current = null;
  const client = new Anthropic({
    apiKey: 'bench-offline',
    maxRetries: 0,
    fetch: async () => fakeResponse(current),
  });
  let events = 0;
  for (const m of messages) {
    current = m;
    let n = 0;
    const ms = client.messages.stream({
      model: 'claude-bench-offline',
      max_tokens: 64000,
      messages: [{ role: 'user', content: 'bench' }],
    });
    ms.on('streamEvent', () => {
      n++;
    });
    const msg = await ms.finalMessage();
    sink += msg.content.length;
    events += n;
  }
  return events;
}

async function runSdkCompare() {
  if (!Anthropic) Anthropic = (await import('@anthropic-ai/sdk')).default;
  const client = new Anthropic({
    apiKey: 'bench-offline',
    maxRetries: 0,
    fetch: async () => fakeResponse(buf),
  });
  const msg = await client.messages
    .stream({ model: 'claude-bench-offline', max_tokens: 64000, messages: [{ role: 'user', content: 'bench' }] })
    .finalMessage();
  const mine = JSON.parse(readFileSync(ref, 'utf8')).message;
  const key = (b) => JSON.stringify([b.type, b.text ?? b.thinking ?? b.input ?? null, b.signature ?? null]);
  let same = 0;
  const bad = [];
  const n = Math.max(mine.content.length, msg.content.length);
  for (let i = 0; i < n; i++) {
    const a = mine.content[i], b = msg.content[i];
    if (a && b && key(a) === key(b)) same++;
    else bad.push(i);
  }
  const usageSame = JSON.stringify(mine.usage.output_tokens) === JSON.stringify(msg.usage.output_tokens) &&
    mine.stop_reason === msg.stop_reason;
  const ok = bad.length === 0 && usageSame;
  console.log(`${ok ? 'agree' : 'DISAGREE'}: ${same}/${n} blocks identical` +
    (bad.length ? `; first differing block ${bad[0]}` : '') + (usageSame ? '' : '; usage or stop_reason differ'));
  return ok ? 0 : 1;
}

if (subject === 'sdk_compare') {
  if (!ref) {
    console.error('peers.mjs: sdk_compare needs --ref REPORT.json');
    process.exit(1);
  }
  process.exit(await runSdkCompare());
}

const run = { esp_json: runEsp, sdk_stream: runSdkStream, sdk_message: runSdkMessage }[subject];
if (!run) {
  console.error(`peers.mjs: unknown subject ${subject}`);
  process.exit(1);
}

if (once) {
  const events = await run();
  console.log(events);
} else {
  await run(); // warm-up: JIT, module loading
  // CPU time of the process (user + system, every thread: pinned to one CPU
  // by run.sh, so on an idle machine it equals wall time), as bench.h uses
  // thread CPU time; wall time is reported too.
  const cpu = [], wall = [];
  let events = 0;
  const start = performance.now();
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    events = await run();
    const c1 = process.cpuUsage(c0);
    const t1 = performance.now();
    wall.push((t1 - t0) / 1000);
    cpu.push((c1.user + c1.system) / 1e6);
    if (wall.length >= 3 && (t1 - start) / 1000 > budget) break;
  }
  const median = (v) => {
    const a = [...v].sort((x, y) => x - y);
    const n = a.length;
    return n % 2 ? a[(n - 1) / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
  };
  const n = wall.length;
  const med = median(cpu), medw = median(wall);
  const corpus = basename(file);
  process.stdout.write(`R\t${subject}\t${corpus}\t${chunk}\t${buf.length}\t${events}\t${med.toFixed(6)}\t0\t0\t${n}\t${medw.toFixed(6)}\t0\n`);
  process.stderr.write(`  ${subject.padEnd(28)} ${corpus.padEnd(16)} chunk ${String(chunk).padEnd(6)} ${(buf.length / 1048576 / med).toFixed(1).padStart(9)} MiB/s ${(events / med / 1e6).toFixed(2).padStart(7)} Mev/s ${(med * 1e9 / events).toFixed(1).padStart(7)} ns/ev  (${n} reps; wall/cpu ${(medw / med).toFixed(2)})\n`);
}
if (sink === -1) console.log('');
