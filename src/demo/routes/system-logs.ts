import type { StreamTiming } from '../gateway.js';
import { ok, paginate } from '../http.js';
import type { Router } from '../router.js';
import { Rng } from '../rng.js';
import { openSse } from '../sse.js';

const SYNTHETIC: [string, string, string][] = [
  ['info', 'router', 'Resolved alias smart -> anthropic/claude-sonnet-4-5'],
  ['debug', 'dispatch', 'Attempt 1 for fast via openai/gpt-4o-mini'],
  ['info', 'usage', 'Request completed in 1834 ms (1,412 in / 388 out tokens)'],
  ['debug', 'cooldown-manager', 'groq/llama-3.3-70b-versatile still on cooldown'],
  ['info', 'router', 'Resolved alias cheap -> openrouter/deepseek/deepseek-chat-v3.1'],
  ['warn', 'dispatch', 'openrouter returned 502, retrying on next target'],
  ['info', 'quota', 'Quota checker openrouter-credits: balance ok'],
  ['debug', 'mcp', 'github: tools/call search_issues (212 ms)'],
];

export function registerSystemLogRoutes(r: Router, timing: StreamTiming): void {
  r.get('/logs/recent', 'admin', (ctx) => {
    const page = paginate([...ctx.state.systemLogs].reverse(), ctx.query, 100);
    return ok({ ...page, total: ctx.state.systemLogs.length });
  });

  // Only new lines are streamed (no backlog). The demo adds a few synthetic lines per second.
  r.get('/logs/stream', 'admin', (ctx) => {
    const sse = openSse(ctx, timing.pingIntervalMs);
    sse.onClose(ctx.state.onLog((line, id) => sse.send('syslog', line, id)));
    const rng = new Rng(ctx.state.now() & 0xffffffff);
    const tick = setInterval(() => {
      const [level, module, message] = rng.pick(SYNTHETIC);
      ctx.state.log(message, level, module);
    }, timing.logIntervalMs);
    tick.unref();
    sse.onClose(() => clearInterval(tick));
    return undefined;
  });
}
