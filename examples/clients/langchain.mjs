// SPDX-License-Identifier: MIT
// @langchain/anthropic (ChatAnthropic.stream) as a client graded by `sseval
// serve --suite` (docs/SERVE.md): LangChain's defaults (its own retries
// around the SDK's) and a 10 s timeout passed to the SDK client.
// Exit 0 and the text when the stream ends without throwing; exit 1 otherwise.
import { ChatAnthropic } from '@langchain/anthropic';

const model = new ChatAnthropic({
  model: 'claude-sonnet-4-5',
  maxTokens: 256,
  apiKey: process.env.ANTHROPIC_API_KEY,
  anthropicApiUrl: process.env.ANTHROPIC_BASE_URL,
  clientOptions: { timeout: 10_000 },
});
try {
  let text = '';
  let full;
  for await (const chunk of await model.stream('Say something short.')) {
    full = full ? full.concat(chunk) : chunk;
    if (typeof chunk.content === 'string') text += chunk.content;
    else for (const b of chunk.content) if (b.type === 'text') text += b.text;
  }
  process.stderr.write(`langchain: response_metadata ${JSON.stringify(full?.response_metadata)}\n`);
  process.stdout.write(text + '\n');
  process.exit(0);
} catch (err) {
  process.stderr.write(`langchain: ${err?.stack ?? err}\n`);
  process.exit(1);
}
