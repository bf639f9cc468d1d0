/** Files sent with a slash command (restore's backup), fetched from Discord's CDN with a size bound. */
import { type Dispatcher, request } from 'undici';
import type { Attachment } from '../../src/core/command.js';
import { BotError } from '../../src/base/errors.js';
import { formatBytes } from '../../src/render/format.js';

export interface AttachmentRef {
  name: string;
  url: string;
  /** As Discord reports it. */
  size: number;
  contentType?: string | null;
}

/** Largest attachment accepted (backups of a busy gateway run to a few MB). */
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

const tooBig = (a: AttachmentRef, bytes: number, max: number) =>
  new BotError(
    'INVALID_ARGS',
    `The attached file ${a.name} is ${formatBytes(bytes)}; at most ${formatBytes(max)} is accepted. Nothing was run.`,
  );

export async function downloadAttachment(a: AttachmentRef, opts: { maxBytes?: number; timeoutMs?: number } = {}): Promise<Attachment> {
  const max = opts.maxBytes ?? MAX_ATTACHMENT_BYTES;
  if (a.size > max) throw tooBig(a, a.size, max);
  let res: Dispatcher.ResponseData;
  try {
    res = await request(a.url, { method: 'GET', headersTimeout: opts.timeoutMs ?? 15_000, bodyTimeout: opts.timeoutMs ?? 15_000 });
  } catch (e) {
    throw new BotError(
      'INVALID_ARGS',
      `The attached file ${a.name} could not be fetched from Discord (${(e as Error).message}). Nothing was run; try again.`,
      { cause: e },
    );
  }
  if (res.statusCode !== 200) {
    await res.body.dump();
    throw new BotError(
      'INVALID_ARGS',
      `The attached file ${a.name} could not be fetched from Discord (HTTP ${res.statusCode}). Nothing was run; try again.`,
    );
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.body) {
    total += (chunk as Buffer).length;
    if (total > max) {
      res.body.destroy();
      throw tooBig(a, total, max);
    }
    chunks.push(chunk as Buffer);
  }
  return { name: a.name, content: Buffer.concat(chunks), ...(a.contentType ? { contentType: a.contentType } : {}) };
}
