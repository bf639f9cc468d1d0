import { gzipSync } from 'node:zlib';
import { gunzipBounded, packTarGz, unpackTarGz } from '../../archive/tar-gz.js';
import { fromCsv, toCsv } from '../csv.js';
import { ok, parseJsonBody, plainError } from '../http.js';
import type { Router } from '../router.js';
import { backupEnvelope, restoreConfig } from '../snapshot.js';
import type { DemoState } from '../state.js';
import type { Obj } from '../types.js';
import { isRecord } from '../../base/is-record.js';

const MAX_BYTES = 256 * 1024 * 1024;

type Table = { file: string; get: (s: DemoState) => object[]; set: (s: DemoState, rows: Obj[]) => void };

const TABLES: Record<string, Table> = {
  request_usage: { file: 'request_usage.csv.gz', get: (s) => s.usage, set: (s, rows) => (s.usage = rows as never) },
  inference_errors: { file: 'inference_errors.csv.gz', get: (s) => s.errors, set: (s, rows) => (s.errors = rows as never) },
  debug_logs: { file: 'debug_logs.csv.gz', get: (s) => s.debugLogs, set: (s, rows) => (s.debugLogs = rows as never) },
  provider_cooldowns: { file: 'provider_cooldowns.csv.gz', get: (s) => s.cooldowns, set: (s, rows) => (s.cooldowns = rows as never) },
  mcp_request_usage: { file: 'mcp_request_usage.csv.gz', get: (s) => s.mcpLogs, set: (s, rows) => (s.mcpLogs = rows as never) },
};

function fullArchive(state: DemoState): Promise<Buffer> {
  const envelope = backupEnvelope(state);
  const counts = Object.fromEntries(Object.entries(TABLES).map(([name, t]) => [name, t.get(state).length]));
  const entries = [
    {
      name: 'manifest.json',
      data: Buffer.from(JSON.stringify({ version: 1, created_at: envelope.created_at, dialect: 'sqlite', tables: counts }, null, 2)),
    },
    { name: 'config.json', data: Buffer.from(JSON.stringify(envelope)) },
    ...Object.values(TABLES).map((t) => ({ name: t.file, data: gzipSync(toCsv(t.get(state) as Obj[])) })),
  ];
  return packTarGz(entries, new Date(state.now()));
}

async function restoreArchive(state: DemoState, gz: Buffer): Promise<Record<string, number>> {
  let files: Map<string, Buffer>;
  try {
    files = await unpackTarGz(gz, { maxEntryBytes: MAX_BYTES, maxTotalBytes: MAX_BYTES });
  } catch {
    throw plainError(400, 'Invalid backup: archive could not be read');
  }
  const config = files.get('config.json');
  if (!config) throw plainError(400, 'Invalid backup: archive has no config.json');
  const envelope = parseJsonBody(config);
  if (!isRecord(envelope) || envelope.plexus_backup !== true || !isRecord(envelope.data)) {
    throw plainError(400, 'Invalid backup: missing plexus_backup field');
  }
  // Every table is read before anything is applied, so a bad archive changes nothing.
  const tables = Object.entries(TABLES).map(([name, t]) => {
    const f = files.get(t.file);
    try {
      return { name, t, rows: f ? (fromCsv(gunzipBounded(f, MAX_BYTES).toString('utf8')) as Obj[]) : [] };
    } catch {
      throw plainError(400, `Invalid backup: ${t.file} could not be read`);
    }
  });
  const restored = restoreConfig(state, envelope.data);
  for (const { name, t, rows } of tables) {
    t.set(state, rows);
    restored[name] = rows.length;
  }
  state.usage.sort((a, b) => a.startTime - b.startTime);
  return restored;
}

export function registerBackupRoutes(r: Router): void {
  r.get('/backup', 'admin', async (ctx) => {
    if (ctx.query.get('full') !== 'true') return ok(backupEnvelope(ctx.state));
    const stamp = new Date(ctx.state.now()).toISOString().replace(/[:.]/g, '-');
    return {
      status: 200,
      raw: await fullArchive(ctx.state),
      contentType: 'application/gzip',
      headers: { 'content-disposition': `attachment; filename="plexus-backup-${stamp}.tar.gz"` },
    };
  });

  r.post('/restore', 'admin', async (ctx) => {
    const raw = await ctx.rawBody();
    const type = String(ctx.req.headers['content-type'] ?? '');
    if (type.includes('gzip') || (raw[0] === 0x1f && raw[1] === 0x8b)) {
      const restored = await restoreArchive(ctx.state, raw);
      ctx.state.log('Full restore complete', 'info', 'backup');
      return ok({ success: true, restored, message: 'Full restore complete. Server is restarting to apply changes.' });
    }
    const body = parseJsonBody(raw);
    if (!isRecord(body) || body.plexus_backup !== true) throw plainError(400, 'Invalid backup: missing plexus_backup field');
    if (!isRecord(body.data)) throw plainError(400, 'Invalid backup: missing data field');
    const restored = restoreConfig(ctx.state, body.data);
    ctx.state.log('Config restore complete', 'info', 'backup');
    return ok({ success: true, restored, message: 'Config restore complete. Server is restarting to apply changes.' });
  });

  // Upstream exits the process after answering; the demo only pretends to.
  r.post('/restart', 'admin', (ctx) => {
    ctx.state.log('Restart requested via management API', 'warn', 'server');
    return ok({ success: true, message: 'Server is restarting' });
  });
}
