import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { ArchiveError, gunzipBounded, unpackTarGz, type UnpackLimits } from '../archive/tar-gz.js';
import type { RunContext } from '../core/command.js';
import { BotError } from '../base/errors.js';
import { isRecord } from '../base/is-record.js';

/** A backup as read from a file: the config envelope, and table row counts for a full archive. */
export interface BackupFile {
  name: string;
  content: Buffer;
  kind: 'json' | 'archive';
  contentType: 'application/json' | 'application/gzip';
  createdAt: string | null;
  data: Record<string, unknown>;
  /** Full archives: rows per table (`request_usage` → 14). */
  tables: Record<string, number>;
}

const MAX_BYTES = 512 * 1024 * 1024;
// The tables inside are gzipped already, so the tar is about the file's size; an unpacked table must
// still fit in one JS string (~512 MiB) to be counted.
const ARCHIVE_LIMITS: UnpackLimits = { maxEntryBytes: MAX_BYTES, maxTotalBytes: 2 * MAX_BYTES };
const MAX_TABLE_BYTES = 500 * 1024 * 1024;
const notBackup = (name: string, why: string) =>
  new BotError('INVALID_ARGS', `\`${name}\` is not a Plexus backup: ${why}. Nothing was sent.`, {
    hints: ['`backup` (config) or `backup --full` (config and logs) makes one.'],
  });

/** Data rows of a CSV table (its header line excluded); counted, not kept. */
function csvRows(text: string): number {
  let rows = 0;
  parse(text, { skip_empty_lines: true, relax_column_count: true, on_record: () => void rows++ });
  return Math.max(0, rows - 1);
}

function envelope(name: string, raw: string): { createdAt: string | null; data: Record<string, unknown> } {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw notBackup(name, 'it is neither JSON nor a gzip archive');
  }
  if (!isRecord(v) || v.plexus_backup !== true) throw notBackup(name, 'the `plexus_backup` field is missing');
  if (!isRecord(v.data)) throw notBackup(name, 'the `data` field is missing');
  return { createdAt: typeof v.created_at === 'string' ? v.created_at : null, data: v.data };
}

/** Reads a backup (JSON envelope or `backup --full` tar.gz) and checks it enough to describe it. */
export async function parseBackup(name: string, content: Buffer): Promise<BackupFile> {
  if (content[0] === 0x1f && content[1] === 0x8b) {
    let files: Map<string, Buffer>;
    try {
      files = await unpackTarGz(content, ARCHIVE_LIMITS);
    } catch (e) {
      throw notBackup(name, `the gzip archive cannot be read${e instanceof ArchiveError ? ` (${e.message})` : ''}`);
    }
    const config = files.get('config.json');
    if (!config) throw notBackup(name, 'the archive has no config.json');
    const tables: Record<string, number> = {};
    for (const [file, data] of files) {
      const m = /^(.+)\.csv(\.gz)?$/.exec(file);
      if (!m) continue;
      try {
        tables[m[1]!] = data.length === 0 ? 0 : csvRows((m[2] ? gunzipBounded(data, MAX_TABLE_BYTES) : data).toString('utf8'));
      } catch (e) {
        throw notBackup(name, `${file} in the archive cannot be read${e instanceof ArchiveError ? ` (${e.message})` : ''}`);
      }
    }
    return { name, content, kind: 'archive', contentType: 'application/gzip', ...envelope(name, config.toString('utf8')), tables };
  }
  return { name, content, kind: 'json', contentType: 'application/json', ...envelope(name, content.toString('utf8')), tables: {} };
}

async function readPath(ctx: RunContext<{ file?: string | undefined }>, file: string): Promise<{ name: string; content: Buffer }> {
  const candidates = isAbsolute(file) ? [file] : [resolve(file), resolve(ctx.deps.stateDir, file)];
  for (const path of candidates) {
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) continue;
    if (info.size > MAX_BYTES)
      throw new BotError(
        'INVALID_ARGS',
        `\`${file}\` is larger than ${MAX_BYTES / 1024 / 1024} MiB; Plexus backups are far smaller. Nothing was sent.`,
      );
    return { name: file, content: await readFile(path) };
  }
  throw new BotError('INVALID_ARGS', `No file \`${file}\` here (looked in ${[...new Set(candidates)].join(' and ')}). Nothing was sent.`);
}

/**
 * The bytes of this invocation's backup: the attached file, or (console
 * only) the path given.
 */
async function backupSource(ctx: RunContext<{ file?: string | undefined }>): Promise<{ name: string; content: Buffer }> {
  if (ctx.attachments.length > 1)
    throw new BotError('INVALID_ARGS', `Attach one backup file, not ${ctx.attachments.length}. Nothing was sent.`);
  const att = ctx.attachments[0];
  if (att) return att;
  if (ctx.args.file === undefined) {
    throw new BotError('INVALID_ARGS', '`restore` needs a backup: attach the file made by `backup` to the command. Nothing was sent.', {
      hints: ['In the console: `restore <path of the file>`.'],
    });
  }
  if (ctx.actor.platform !== 'console') {
    throw new BotError(
      'INVALID_ARGS',
      'A file path is read only in the console (the bot host is not yours to browse). Attach the backup file instead. Nothing was sent.',
    );
  }
  return readPath(ctx, ctx.args.file);
}

/** What a restore was confirmed for: the file by its digest, never its contents. */
export interface BackupPlan {
  name: string;
  bytes: number;
  sha256: string;
  contentType: BackupFile['contentType'];
}

const digest = (content: Buffer): string => createHash('sha256').update(content).digest('hex');

/** Reads and checks this invocation's backup, and plans sending exactly these bytes. */
export async function loadBackup(ctx: RunContext<{ file?: string | undefined }>): Promise<{ backup: BackupFile; plan: BackupPlan }> {
  const f = await backupSource(ctx);
  const backup = await parseBackup(f.name, f.content);
  const plan: BackupPlan = {
    name: backup.name,
    bytes: backup.content.length,
    sha256: digest(backup.content),
    contentType: backup.contentType,
  };
  return { backup, plan };
}

/**
 * The bytes to send for a confirmed plan: what was described at confirmation,
 * or nothing if the file changed since (a path edited in between).
 */
export async function plannedBackup(
  ctx: RunContext<{ file?: string | undefined }>,
  plan: BackupPlan | undefined,
): Promise<BackupPlan & { content: Buffer }> {
  if (!plan) {
    const { backup, plan: fresh } = await loadBackup(ctx);
    return { ...fresh, content: backup.content };
  }
  const f = await backupSource(ctx);
  if (f.content.length !== plan.bytes || digest(f.content) !== plan.sha256) {
    const again = 'Nothing was sent; run `restore` again.';
    throw new BotError('INVALID_ARGS', `\`${plan.name}\` is not the file that was described when you were asked to confirm. ${again}`);
  }
  return { ...plan, content: f.content };
}
