import { z } from 'zod';
import { args, flag } from '../core/args.js';
import { defineCommand } from '../core/command.js';
import { BotError, isBotError } from '../base/errors.js';
import { errorCode } from '../plexus/network.js';
import { mgmtPath } from '../plexus/path.js';
import * as S from '../plexus/schemas.js';
import { formatBytes, formatNumber, formatTimestamp } from '../render/format.js';
import { context, fields, reply, table, text } from '../render/reply.js';
import { loadBackup, parseBackup, plannedBackup, type BackupFile } from './backup-file.js';
import { byActor, plural } from './changes.js';
import { fileStamp } from './config.js';
import { LOG_COUNT_CALLS, logCounts } from './logging.js';
import { isRecord } from '../base/is-record.js';

const BACKUP = mgmtPath('backup');
const RESTORE = mgmtPath('restore');
const RESTART = mgmtPath('restart');
const SLOW_MS = 120_000;
/** Connection ends that mean the process went away mid-answer (not "refused": then it was never up). */
const CLOSED = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

const size = (v: unknown): number => (isRecord(v) ? Object.keys(v).length : Array.isArray(v) ? v.length : 0);

/** The config parts of a backup, with the name the server's config/status uses for each. */
const PARTS = [
  { field: 'providers', label: 'providers', status: 'providerCount' },
  { field: 'models', label: 'model aliases', status: 'modelAliasCount' },
  { field: 'keys', label: 'keys', status: 'keyCount' },
  { field: 'user_quotas', label: 'user quotas', status: 'quotaCount' },
  { field: 'mcp_servers', label: 'MCP servers', status: 'mcpServerCount' },
] as const;

/** Archive tables whose current size the server can tell, and how. */
const LOG_TABLES = [
  { table: 'request_usage', label: 'usage records', current: 'usage' },
  { table: 'inference_errors', label: 'inference errors', current: 'errors' },
  { table: 'debug_logs', label: 'debug traces', current: 'debug' },
  { table: 'mcp_request_usage', label: 'MCP call records', current: 'mcp' },
] as const;

function contentSummary(b: BackupFile): string {
  const parts = PARTS.map((p) => plural(size(b.data[p.field]), p.label.replace(/s$/, ''), p.label));
  parts.push(plural(size(b.data.settings), 'setting'));
  if (b.kind === 'archive') parts.push(...LOG_TABLES.map((t) => plural(b.tables[t.table] ?? 0, t.label.replace(/s$/, ''), t.label)));
  return parts.join(', ');
}

export const backup = defineCommand({
  words: ['backup'],
  summary: 'Download a backup of the configuration (with --full: and the logs), as a private file.',
  usage: '[--full]',
  example: 'backup',
  tier: 'destructive',
  private: true,
  args: args({ full: flag() }),
  calls: [{ method: 'GET', path: BACKUP }, ...LOG_COUNT_CALLS],
  describeRisk: async (ctx) => {
    const lines = [
      'The file holds every secret of this Plexus in clear: provider API keys, inference key secrets, MCP server headers and ' +
        'OAuth credentials. It is sent only to you, privately; keep it out of channels and tickets.',
    ];
    if (ctx.args.full) {
      const c = await logCounts(ctx);
      const counts = [c.usage, c.errors, c.debug, c.mcp]
        .map((n, i) => `${n === null ? 'all' : formatNumber(n)} ${LOG_TABLES[i]!.label}`)
        .join(', ');
      lines.push(`--full adds the logs: ${counts} (debug traces hold request bodies).`);
    }
    return { lines };
  },
  run: async (ctx) => {
    const res = await ctx.deps.plexus.requestRaw('GET', BACKUP, {
      query: { full: ctx.args.full ? 'true' : undefined },
      timeoutMs: SLOW_MS,
    });
    const name = `plexus-backup-${fileStamp(ctx.deps.clock.now())}.${ctx.args.full ? 'tar.gz' : 'json'}`;
    let parsed: BackupFile;
    try {
      parsed = await parseBackup(name, res.body);
    } catch (e) {
      const why = isBotError(e)
        ? e.message.replace(/^`[^`]*` is not a Plexus backup: /, '').replace(/\. Nothing was sent\.$/, '')
        : 'unreadable';
      throw new BotError('UPSTREAM_INVALID', `GET ${BACKUP}: the answer is not a backup Plexus could restore (${why}).`);
    }
    return reply({
      title: `Backup ${name}`,
      severity: 'success',
      private: true,
      file: { name, content: res.body, contentType: parsed.contentType },
      blocks: [
        fields([
          { label: 'Made', value: parsed.createdAt ? `${formatTimestamp(parsed.createdAt)} UTC` : '—' },
          { label: 'Size', value: formatBytes(res.body.length) },
          { label: 'Holds', value: contentSummary(parsed) },
        ]),
        context('Secrets are in it in clear. `restore` with this file attached (console: `restore <path>`) puts it back.'),
      ],
    });
  },
});

export const restore = defineCommand({
  words: ['restore'],
  summary: 'Replace the configuration (and with a full backup the logs) with a backup file.',
  usage: '(backup file attached; console: <file>)',
  example: 'restore examples/plexus-backup-example.json',
  tier: 'destructive',
  positional: ['file'],
  args: args({ file: z.string().min(1).optional() }),
  calls: [
    { method: 'GET', path: mgmtPath('config', 'status') },
    { method: 'GET', path: mgmtPath('system-settings') },
    { method: 'GET', path: mgmtPath('keys') },
    ...LOG_COUNT_CALLS,
    { method: 'POST', path: RESTORE },
  ],
  describeRisk: async (ctx) => {
    const { backup: b, plan } = await loadBackup(ctx);
    const [status, settings, keys] = await Promise.all([
      ctx.deps.plexus.request('GET', mgmtPath('config', 'status'), { schema: S.configStatusSchema }),
      ctx.deps.plexus.request('GET', mgmtPath('system-settings'), { schema: S.looseRecordSchema }),
      ctx.deps.plexus.request('GET', mgmtPath('keys'), { schema: S.apiKeyListSchema }),
    ]);
    const rows = PARTS.map(
      (p) => `• ${p.label}: ${formatNumber(status[p.status])} now → ${formatNumber(size(b.data[p.field]))} from the file`,
    );
    rows.push(`• settings: ${formatNumber(size(settings))} now → ${formatNumber(size(b.data.settings))} from the file`);
    const kept = new Set(isRecord(b.data.keys) ? Object.keys(b.data.keys) : []);
    const lostKeys = keys.map((k) => k.name).filter((n) => !kept.has(n));
    const lines = [
      `The whole configuration is replaced by \`${b.name}\` (${b.kind === 'archive' ? 'full backup' : 'config backup'}` +
        `${b.createdAt ? ` of ${formatTimestamp(b.createdAt)} UTC` : ''}, ${formatBytes(b.content.length)}):`,
      rows.join('\n'),
    ];
    if (lostKeys.length > 0) lines.push(`Keys not in the file stop working at once: ${lostKeys.join(', ')}.`);
    if (b.kind === 'archive') {
      const c = await logCounts(ctx);
      const logs = LOG_TABLES.map(
        (t) =>
          `• ${t.label}: ${c[t.current] === null ? '?' : formatNumber(c[t.current])} now → ` +
          `${formatNumber(b.tables[t.table] ?? 0)} from the file`,
      );
      const other = Object.entries(b.tables).filter(([t]) => !LOG_TABLES.some((l) => l.table === t) && (b.tables[t] ?? 0) > 0);
      lines.push(
        `The logs are replaced too:\n${logs.join('\n')}` +
          `${other.length > 0 ? `\n• also: ${other.map(([t, n]) => `${t} ${formatNumber(n)}`).join(', ')}` : ''}`,
      );
    }
    return { lines, plan };
  },
  run: async (ctx) => {
    const b = await plannedBackup(ctx, ctx.plan);
    const res = await ctx.deps.plexus.request('POST', RESTORE, {
      body: b.content,
      headers: { 'content-type': b.contentType },
      schema: S.restoreResultSchema,
      timeoutMs: SLOW_MS,
    });
    const restored = Object.entries(res.restored ?? {}).filter(([k, v]) => !k.startsWith('_') && typeof v === 'number');
    return reply({
      title: `Restored from ${b.name}`,
      severity: 'success',
      blocks: [
        restored.length > 0
          ? table(
              ['table', { header: 'rows', align: 'right' }],
              restored.map(([k, v]) => [k, formatNumber(v as number)]),
            )
          : text('Plexus reported no counts.'),
        ...(res.message ? [context(`Plexus: ${res.message}`)] : []),
        text(
          'Plexus rebuilds its running config from the restored data but does not really restart; `restart` makes sure ' +
            'everything is reloaded.',
        ),
        byActor(ctx.actor),
      ],
      actions: [{ id: 'run:restart', label: 'Restart Plexus', style: 'danger' }],
    });
  },
});

export const restart = defineCommand({
  words: ['restart'],
  summary: 'Restart Plexus: the process exits and a supervisor must start it again.',
  example: 'restart',
  tier: 'destructive',
  args: args({}),
  calls: [{ method: 'POST', path: RESTART }],
  describeRisk: () => ({
    lines: [
      'Plexus exits right after answering. It comes back only if a process supervisor starts it again (systemd, a Docker ' +
        'restart policy, pm2, Kubernetes); without one it stays down.',
      'Requests in flight are cut, and every call fails until it is back.',
    ],
  }),
  run: async (ctx) => {
    let message: string | null | undefined;
    try {
      message = (await ctx.deps.plexus.request('POST', RESTART, { schema: S.successSchema })).message;
    } catch (e) {
      // Exiting can beat the answer out of the door: a dropped connection here is the restart itself.
      if (!isBotError(e) || e.code !== 'UPSTREAM_DOWN' || !CLOSED.has(errorCode(e) ?? '')) throw e;
      message = 'the connection closed before an answer, as it does when the process exits';
    }
    return reply({
      title: 'Plexus is restarting',
      severity: 'warning',
      blocks: [
        text(`Plexus: ${message ?? 'Server is restarting'}.`),
        text('It exits now; if a supervisor restarts it, it answers again within seconds. `config status` tells when it is back.'),
        byActor(ctx.actor),
      ],
    });
  },
});

export const backupCommands = [backup, restore, restart];
