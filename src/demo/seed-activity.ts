/** Seeded activity besides inference traffic: MCP calls, provider quota readings, system log lines. */
import { allowanceMeter, balanceMeter, historyRow } from './checkers.js';
import type { Rng } from './rng.js';
import { GROQ_COOLDOWN_ERROR } from './seed-traffic.js';
import { logTimestamp } from './state.js';
import type { CheckerSnapshot, McpLogRecord, McpServerConfig, MeterHistoryRow, SystemLogLine } from './types.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function seedMcpLogs(rng: Rng, now: number, servers: Record<string, McpServerConfig>): McpLogRecord[] {
  const rows: McpLogRecord[] = [];
  const tools: Record<string, string[]> = {
    github: ['search_issues', 'get_pull_request', 'list_commits'],
    'docs-search': ['resolve-library-id', 'get-library-docs'],
  };
  for (let i = 0; i < 48; i++) {
    const server = rng.weighted([
      ['github', 3],
      ['docs-search', 2],
    ] as const);
    const start = now - rng.int(60_000, 3 * DAY);
    const failed = rng.chance(0.08);
    const isCall = rng.chance(0.75);
    rows.push({
      request_id: rng.uuid(),
      created_at: new Date(start + 20).toISOString(),
      start_time: start,
      duration_ms: failed ? rng.int(5000, 30000) : rng.int(80, 2400),
      server_name: server,
      upstream_url: String(servers[server]?.upstream_url ?? ''),
      method: 'POST',
      jsonrpc_method: isCall ? 'tools/call' : rng.pick(['initialize', 'tools/list']),
      tool_name: isCall ? rng.pick(tools[server] ?? ['unknown']) : null,
      api_key: rng.weighted([
        ['alice-dev', 3],
        ['support-bot', 2],
        ['web-app', 1],
      ] as const),
      attribution: null,
      source_ip: '10.8.3.14',
      response_status: failed ? 502 : 200,
      is_streamed: false,
      has_debug: false,
      error_code: failed ? 'PROXY_ERROR' : null,
      error_message: failed ? 'Upstream server unreachable' : null,
    });
  }
  return rows.sort((a, b) => a.start_time - b.start_time);
}

export function seedCheckers(now: number): { snapshots: CheckerSnapshot[]; history: MeterHistoryRow[] } {
  const at = (ms: number) => new Date(ms).toISOString();
  const history: MeterHistoryRow[] = [];
  const snapshots: CheckerSnapshot[] = [];
  let id = 1;
  for (let h = 23; h >= 0; h--) {
    const t = now - h * HOUR - 7 * 60_000;
    const credits: CheckerSnapshot = {
      checkerId: 'openrouter-credits',
      checkerType: 'openrouter',
      provider: 'openrouter',
      checkedAt: at(t),
      success: true,
      meters: [balanceMeter(100, Math.round((58.1 + (23 - h) * 0.23) * 100) / 100)],
    };
    const claude: CheckerSnapshot = {
      checkerId: 'anthropic-claude-code',
      checkerType: 'claude-code',
      provider: 'anthropic',
      checkedAt: at(t),
      success: true,
      meters: [
        allowanceMeter('five_hour', 'Five-hour window', 'percentage', 100, Math.min(100, 40 + (23 - h) * 1.8), {
          value: 5,
          unit: 'hour',
          cycle: 'rolling',
          resetsAt: at(now + 95 * 60_000),
        }),
        allowanceMeter('weekly', 'Weekly limit', 'percentage', 100, 31 + (23 - h) * 0.55, {
          value: 7,
          unit: 'day',
          cycle: 'fixed',
          resetsAt: at(Math.floor(now / DAY) * DAY + 3 * DAY),
        }),
      ],
    };
    for (const snap of [credits, claude]) {
      for (const m of snap.meters) {
        history.push({ id: id++, ...historyRow(snap, m, at(t + 4)) });
      }
      if (h === 0) snapshots.push(snap);
    }
  }
  return { snapshots, history };
}

export function seedSystemLogs(now: number): SystemLogLine[] {
  const lines: [number, string, string, string][] = [
    [52 * 60, 'info', 'server', 'Plexus listening on 0.0.0.0:4000'],
    [52 * 60, 'info', 'config', 'Loaded 5 providers, 4 model aliases, 5 keys'],
    [52 * 60, 'info', 'quota', 'Quota checker openrouter-credits scheduled every 60 min'],
    [52 * 60, 'info', 'quota', 'Quota checker anthropic-claude-code scheduled every 15 min'],
    [51 * 60, 'info', 'mcp', 'MCP server github ready'],
    [26 * 60, 'warn', 'dispatch', 'groq/llama-3.3-70b-versatile returned 429, retrying on next target'],
    [25 * 60, 'warn', 'cooldown-manager', `Provider groq/llama-3.3-70b-versatile placed on cooldown: ${GROQ_COOLDOWN_ERROR}`],
    [9 * 60, 'info', 'quota', 'Quota checker anthropic-claude-code: five_hour at 81%'],
    [7 * 60, 'info', 'quota', 'Quota checker openrouter-credits: balance $36.61 remaining'],
    [2 * 60, 'info', 'router', 'Alias eu-gpt4o: provider azure-eu is disabled, using fallback group'],
  ];
  return lines.map(([secsAgo, level, module, message]) => ({ message, level, timestamp: logTimestamp(now - secsAgo * 1000), module }));
}
