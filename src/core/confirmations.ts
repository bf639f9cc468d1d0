import { randomBytes } from 'node:crypto';
import { BotError } from '../base/errors.js';
import type { Actor, Platform } from './actor.js';
import type { Attachment, Json, Tier } from './command.js';
import type { StateRecords } from './state.js';

export type Settlement = 'confirmed' | 'cancelled' | 'expired';

/** A file sent with a command that waits for confirmation (a backup for `restore`). Never logged. */
export interface StoredAttachment {
  name: string;
  contentType?: string;
  base64: string;
}

/**
 * A destructive command waiting for its requester's yes, as plain JSON: the
 * line is parsed again and the context rebuilt when it is confirmed, so a
 * record may outlive the process that asked (in a database, later).
 */
export interface ConfirmationRecord {
  id: string;
  owner: { platform: Platform; userId: string; channelId: string };
  /** The line as typed. It may hold a secret: show and log it masked only. */
  line: string;
  /** The command's name, for the answers about the record itself. */
  command: string;
  tier: Tier;
  /** What `describeRisk` looked up; handed to `run`. */
  plan: Json | null;
  attachments: StoredAttachment[];
  createdAt: number;
  expiresAt: number;
  settled: Settlement | null;
}

/**
 * Where pending confirmations are kept. `settle` is a compare-and-set (in SQL,
 * `UPDATE … SET settled = $2 WHERE id = $1 AND settled IS NULL`): of two
 * clicks at once, exactly one gets true.
 */
export interface ConfirmationRecords {
  create(record: ConfirmationRecord): Promise<void>;
  get(id: string): Promise<ConfirmationRecord | undefined>;
  settle(id: string, settlement: Settlement): Promise<boolean>;
}

/**
 * In this process. Rows are kept as JSON text, so what works here works with
 * a store that serialises; kept until a while after expiry so a late or second
 * click is told what happened instead of "unknown".
 */
export class MemoryConfirmationRecords implements ConfirmationRecords {
  private readonly rows = new Map<string, string>();

  constructor(private readonly opts: { now: () => number; keepMs: number }) {}

  async create(record: ConfirmationRecord): Promise<void> {
    const horizon = this.opts.now() - this.opts.keepMs;
    for (const [id, row] of this.rows) if ((JSON.parse(row) as ConfirmationRecord).expiresAt < horizon) this.rows.delete(id);
    this.rows.set(record.id, JSON.stringify(record));
  }

  async get(id: string): Promise<ConfirmationRecord | undefined> {
    const row = this.rows.get(id);
    return row === undefined ? undefined : (JSON.parse(row) as ConfirmationRecord);
  }

  async settle(id: string, settlement: Settlement): Promise<boolean> {
    const row = this.rows.get(id);
    if (row === undefined) return false;
    const record = JSON.parse(row) as ConfirmationRecord;
    if (record.settled !== null) return false;
    this.rows.set(id, JSON.stringify({ ...record, settled: settlement }));
    return true;
  }
}

/** Where the records live in the state store: one record per confirmation. */
export const CONFIRMATION_PREFIX = 'confirm:';
const PRUNE_EVERY_MS = 600_000;

/**
 * In the bot's state store, so a confirmation asked before a restart, or of
 * another replica, is honoured once by whichever process gets the click.
 * `settle` is a compare-and-set on the record's version: of two clicks on two
 * replicas, one wins. Records are dropped `keepMs` after they expire (checked
 * now and then, when a confirmation is asked).
 */
export class StoredConfirmationRecords implements ConfirmationRecords {
  private prunedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly state: StateRecords,
    private readonly opts: { now: () => number; keepMs: number },
  ) {}

  async create(record: ConfirmationRecord): Promise<void> {
    await this.prune();
    if (!(await this.state.compareAndSet(CONFIRMATION_PREFIX + record.id, 0, record))) {
      throw new Error('a confirmation with this id already exists');
    }
  }

  async get(id: string): Promise<ConfirmationRecord | undefined> {
    return (await this.state.get<ConfirmationRecord>(CONFIRMATION_PREFIX + id))?.value;
  }

  async settle(id: string, settlement: Settlement): Promise<boolean> {
    const key = CONFIRMATION_PREFIX + id;
    for (;;) {
      const cur = await this.state.get<ConfirmationRecord>(key);
      if (!cur || cur.value.settled !== null) return false;
      if (await this.state.compareAndSet(key, cur.version, { ...cur.value, settled: settlement })) return true;
      // Someone else wrote it first: read it again (it is most likely settled now).
    }
  }

  private async prune(): Promise<void> {
    const now = this.opts.now();
    if (now - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = now;
    const horizon = now - this.opts.keepMs;
    for (const key of await this.state.keys(CONFIRMATION_PREFIX)) {
      const r = await this.state.get<ConfirmationRecord>(key);
      if (r && r.value.expiresAt < horizon) await this.state.delete(key);
    }
  }
}

export const newConfirmationId = (): string => randomBytes(12).toString('base64url');

export const storeAttachments = (files: Attachment[]): StoredAttachment[] =>
  files.map((f) => ({ name: f.name, ...(f.contentType ? { contentType: f.contentType } : {}), base64: f.content.toString('base64') }));

export const loadAttachments = (files: StoredAttachment[]): Attachment[] =>
  files.map((f) => ({ name: f.name, ...(f.contentType ? { contentType: f.contentType } : {}), content: Buffer.from(f.base64, 'base64') }));

const isOwner = (r: ConfirmationRecord, actor: Actor): boolean => r.owner.platform === actor.platform && r.owner.userId === actor.userId;

function used(r: ConfirmationRecord): BotError {
  if (r.settled === 'expired') {
    return new BotError('CONFIRM_EXPIRED', `The confirmation for \`${r.command}\` expired. Nothing was run; run the command again.`);
  }
  return new BotError('CONFIRM_USED', `\`${r.command}\` was already ${r.settled}. Nothing more was run.`);
}

/**
 * The requester's answer: settles the record once and returns it, or throws
 * a BotError saying why not (unknown, someone else's, already settled, expired).
 */
export async function claimConfirmation(
  records: ConfirmationRecords,
  id: string,
  actor: Actor,
  now: number,
  settlement: 'confirmed' | 'cancelled',
): Promise<ConfirmationRecord> {
  const record = await records.get(id);
  if (!record) {
    throw new BotError(
      'CONFIRM_UNKNOWN',
      'This confirmation is not known (it expired long ago, or the bot state was reset since it was asked). ' +
        'Nothing was run; run the command again.',
    );
  }
  if (!isOwner(record, actor)) {
    const why = `Only the person who asked for \`${record.command}\` can confirm or cancel it. Nothing was run.`;
    throw new BotError('CONFIRM_NOT_YOURS', why);
  }
  if (record.settled !== null) throw used(record);
  if (now >= record.expiresAt) {
    await records.settle(id, 'expired');
    throw used({ ...record, settled: 'expired' });
  }
  if (!(await records.settle(id, settlement))) {
    const after = await records.get(id);
    throw used(after?.settled ? after : { ...record, settled: 'confirmed' });
  }
  return { ...record, settled: settlement };
}
