/** A Reply as the Discord messages that carry it: split parts, buttons, the reply's file. */
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

/** Button ids longer than Discord's 100 characters, by the short id they were sent as. Bounded; lost on restart. */
export class ActionRefs {
  private readonly refs = new Map<string, string>();

  constructor(private readonly max = 2000) {}

  remember(actions: readonly Action[] | undefined): void {
    for (const a of actions ?? []) {
      const short = actionCustomId(a.id);
      if (short === a.id) continue;
      this.refs.delete(short);
      this.refs.set(short, a.id);
      if (this.refs.size > this.max) this.refs.delete(this.refs.keys().next().value!);
    }
  }

  /** The full action id for a clicked button id (unknown short ids pass through; the core says it is not understood). */
  resolve(customId: string): string {
    return this.refs.get(customId) ?? customId;
  }
}
