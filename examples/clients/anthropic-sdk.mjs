// SPDX-License-Identifier: MIT
// The official TypeScript SDK as a client graded by `sseval serve --suite`
// (docs/SERVE.md): messages.stream(...).finalMessage() with the SDK's
// defaults (2 retries, its backoff) and a 10 s request timeout.
// Exit 0 and the text when finalMessage() resolves; exit 1 when it throws.
import Anthropic from '@anthropic-ai/sdk';

const client = new Anthropic({
  baseURL: process.env.ANTHROPIC_BASE_URL,
  apiKey: process.env.ANTHROPIC_API_KEY,
  timeout: 10_000,
});
try {
  const message = await client.messages
    .stream({
      model: 'claude-sonnet-4-5',
      max_tokens: 256,
      messages: [{ role: 'user', content: 'Say something short.' }],
    })
    .finalMessage();
  const text = message.content.filter((b) => b.type === 'text').map((b) => b.text).join('');
  process.stdout.write(text + '\n');
  process.exit(0);
} catch (err) {
  process.stderr.write(`anthropic-sdk: ${err?.stack ?? err}\n`);
  process.exit(1);
}
