// SPDX-License-Identifier: MIT
// @ai-sdk/anthropic with streamText as a client graded by `sseval serve
// --suite` (docs/SERVE.md), its defaults (2 retries; no timeout option):
// the text stream read to its end, then the finish reason and the text
// awaited. Exit 0 and the text when nothing threw and the finish reason is
// one a whole answer has (stop, length, tool-calls, content-filter);
// exit 1 otherwise.
import { createAnthropic } from '@ai-sdk/anthropic';
import { streamText } from 'ai';

const anthropic = createAnthropic({
  baseURL: `${process.env.ANTHROPIC_BASE_URL}/v1`,
  apiKey: process.env.ANTHROPIC_API_KEY,
});
let streamError = null;
try {
  const result = streamText({
    model: anthropic('claude-sonnet-4-5'),
    prompt: 'Say something short.',
    maxOutputTokens: 256,
    onError({ error }) {
      streamError = error;
    },
  });
  let text = '';
  for await (const piece of result.textStream) text += piece;
  const finishReason = await result.finishReason;
  await result.text;
  if (streamError) throw streamError;
  process.stderr.write(`ai-sdk: finishReason ${finishReason}\n`);
  if (!['stop', 'length', 'tool-calls', 'content-filter'].includes(finishReason)) {
    throw new Error(`finishReason ${finishReason}: not a whole answer`);
  }
  process.stdout.write(text + '\n');
  process.exit(0);
} catch (err) {
  process.stderr.write(`ai-sdk: ${err?.stack ?? err}\n`);
  process.exit(1);
}
