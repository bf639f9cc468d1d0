/** A Reply as the Discord messages that carry it: split parts, buttons, the reply's file. */
import type { StateRecords } from '../../src/core/state.js';
import { formatBytes } from '../../src/render/format.js';
import type { Action, Reply } from '../../src/render/reply.js';
import { renderText } from '../../src/render/text.js';
import { actionCustomId, renderReply, splitForDiscord, type DiscordMessage } from './embeds.js';

export interface OutgoingFile {
  name: string;
  data: Buffer;
  contentType?: string;
}

export interface OutgoingMessage extends DiscordMessage {
  files?: OutgoingFile[];
}

/** Beyond this many messages an answer goes out as its first part plus the whole text as a file. */
export const MAX_MESSAGES = 5;
/** Discord's upload limit for bots without boosts. */
export const DEFAULT_FILE_LIMIT = 10 * 1024 * 1024;

const fileName = (title: string | undefined): string =>
  `${
    (title ?? 'answer')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'answer'
  }.txt`;

/**
 * The messages for one Reply, in order. Each fits Discord's limits; an answer
 * needing more than {@link MAX_MESSAGES} is sent as its first part with the
 * full text attached. The reply's own file rides on the last message, or is
 * replaced by a note when it is over `fileLimit`.
 */
export function messagesFor(reply: Reply, opts: { fileLimit?: number } = {}): OutgoingMessage[] {
  const fileLimit = opts.fileLimit ?? DEFAULT_FILE_LIMIT;
  const parts = splitForDiscord(reply);
  let out: OutgoingMessage[];
  if (parts.length > MAX_MESSAGES) {
    const first = renderReply({ ...parts[0]!, ...(reply.actions ? { actions: reply.actions } : {}) });
    const text = Buffer.from(renderText(reply), 'utf8');
    out = [
      {
        ...first,
        content: `The full answer (${parts.length} parts) is attached as a file.`,
        files: [{ name: fileName(reply.title), data: text, contentType: 'text/plain; charset=utf-8' }],
      },
    ];
  } else {
    out = parts.map((p) => renderReply(p));
  }
  const file = reply.file;
  if (file?.content) {
    const last = out[out.length - 1]!;
    if (file.content.length <= fileLimit) {
      last.files = [
        ...(last.files ?? []),
        { name: file.name, data: file.content, ...(file.contentType ? { contentType: file.contentType } : {}) },
      ];
    } else {
      const note =
        `The file ${file.name} (${formatBytes(file.content.length)}) is larger than Discord accepts here ` +
        `(${formatBytes(fileLimit)}). Use the console to get it.`;
      last.content = last.content ? `${last.content}\n${note}` : note;
    }
  }
  return out;
}

/** Where a long button id is kept in the state store, by the short id it was sent as. */
export const ACTION_REF_PREFIX = 'discord:ref:';
/** A long button nobody clicked for this long is forgotten (alerts re-render theirs, which keeps them). */
const REF_KEEP_MS = 30 * 86_400_000;
const REF_TOUCH_MS = 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;

interface StoredRef {
  id: string;
  at: number;
}

/**
 * Button ids longer than Discord's 100 characters, by the short id they were
 * sent as. With a state store, a record per ref, so a long button still
 * works after a restart or on another replica; without one, in this process
 * only. A bounded cache in memory either way.
 */
export class ActionRefs {
  private readonly refs = new Map<string, string>();
  private prunedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly state?: StateRecords,
    private readonly opts: { max?: number; now?: () => number } = {},
  ) {}

  async remember(actions: readonly Action[] | undefined): Promise<void> {
    for (const a of actions ?? []) {
      const short = actionCustomId(a.id);
      if (short === a.id) continue;
      this.cache(short, a.id);
      if (this.state) await this.store(short, a.id);
    }
  }

  /** The full action id for a clicked button id (unknown short ids pass through; the core says it is not understood). */
  async resolve(customId: string): Promise<string> {
    const known = this.refs.get(customId);
    if (known !== undefined || !this.state || !customId.startsWith('ref:')) return known ?? customId;
    const stored = await this.state.get<StoredRef>(ACTION_REF_PREFIX + customId);
    if (!stored) return customId;
    this.cache(customId, stored.value.id);
    return stored.value.id;
  }

  private cache(short: string, id: string): void {
    this.refs.delete(short);
    this.refs.set(short, id);
    if (this.refs.size > (this.opts.max ?? 2000)) this.refs.delete(this.refs.keys().next().value!);
  }

  private async store(short: string, id: string): Promise<void> {
    const state = this.state!;
    const now = (this.opts.now ?? Date.now)();
    const key = ACTION_REF_PREFIX + short;
    const cur = await state.get<StoredRef>(key);
    // Written once, and touched at most daily while it is still sent.
    if (!cur || cur.value.id !== id || now - cur.value.at > REF_TOUCH_MS) await state.put<StoredRef>(key, { id, at: now });
    if (now - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = now;
    for (const k of await state.keys(ACTION_REF_PREFIX)) {
      const r = await state.get<StoredRef>(k);
      if (r && r.value.at < now - REF_KEEP_MS) await state.delete(k);
    }
  }
}
