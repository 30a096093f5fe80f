// SPDX-License-Identifier: MIT
// tests/conformance/readers.mjs - real JavaScript stream readers, driven
// through their own stream parsing by a fetch that returns a file.
//
//   node readers.mjs READER FILE...   one line per file: FILE<TAB>complete
//                                     or FILE<TAB>failed<TAB>reason
//   node readers.mjs sdk-message FILE...  FILE<TAB>JSON of finalMessage()
//   node readers.mjs sdk-beta-message FILE...  the same with the beta
//                                     MessageStream (beta blocks: compaction)
//
// READER: anthropic-sdk  @anthropic-ai/sdk messages.stream().finalMessage()
//         ai-sdk         @ai-sdk/anthropic + ai streamText(): no error part,
//                        a finish reason other than error / unknown
//         langchain      @langchain/anthropic ChatAnthropic.stream()
// "complete" means the reader handed the application an answer without
// reporting a problem. Versions: package.json here (pinned; installed by
// tests/conformance/run.py, never a dependency of the library).
import { readFileSync } from 'node:fs';

function fakeResponse(bytes) {
  return new Response(bytes, {
    status: 200,
    headers: { 'content-type': 'text/event-stream', 'request-id': 'req_conformance' },
  });
}

const params = {
  model: 'claude-conformance',
  max_tokens: 64000,
  messages: [{ role: 'user', content: 'conformance' }],
};

let Anthropic;
async function sdkMessage(bytes, beta = false) {
  Anthropic ??= (await import('@anthropic-ai/sdk')).default;
  const client = new Anthropic({ apiKey: 'offline', maxRetries: 0, fetch: async () => fakeResponse(bytes) });
  return (beta ? client.beta.messages : client.messages).stream(params).finalMessage();
}

let aiMod, anthropicProvider;
async function aiSdk(bytes) {
  aiMod ??= await import('ai');
  anthropicProvider ??= (await import('@ai-sdk/anthropic')).createAnthropic;
  const provider = anthropicProvider({ apiKey: 'offline', fetch: async () => fakeResponse(bytes) });
  const r = aiMod.streamText({ model: provider('claude-conformance'), prompt: 'conformance', maxRetries: 0 });
  let err = null;
  for await (const part of r.fullStream) {
    if (part.type === 'error') err = part.error;
  }
  if (err) throw err instanceof Error ? err : new Error(JSON.stringify(err));
  let fr = await r.finishReason;
  if (fr && typeof fr === 'object') fr = fr.unified ?? JSON.stringify(fr);
  if (fr === 'error' || fr === 'unknown' || fr == null) throw new Error(`finish reason ${fr}`);
}

let ChatAnthropic;
async function langchain(bytes) {
  ChatAnthropic ??= (await import('@langchain/anthropic')).ChatAnthropic;
  const m = new ChatAnthropic({
    apiKey: 'offline',
    model: 'claude-conformance',
    maxRetries: 0,
    clientOptions: { fetch: async () => fakeResponse(bytes) },
  });
  let agg = null;
  for await (const chunk of await m.stream('conformance')) agg = agg ? agg.concat(chunk) : chunk;
  if (!agg) throw new Error('no message');
}

const readers = { 'anthropic-sdk': sdkMessage, 'ai-sdk': aiSdk, langchain };

const [which, ...files] = process.argv.slice(2);
// the readers log their own errors to the console: keep stdout for results
console.error = () => {};
console.warn = () => {};
const out = (s) => process.stdout.write(s + '\n');
for (const f of files) {
  const bytes = readFileSync(f);
  try {
    if (which === 'sdk-message' || which === 'sdk-beta-message') {
      out(`${f}\t${JSON.stringify(await sdkMessage(bytes, which === 'sdk-beta-message'))}`);
    } else {
      await readers[which](bytes);
      out(`${f}\tcomplete`);
    }
  } catch (e) {
    out(`${f}\tfailed\t${String(e && e.message ? e.message : e).replace(/\s+/g, ' ').slice(0, 200)}`);
  }
}
