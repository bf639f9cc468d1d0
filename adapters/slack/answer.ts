/** Delivers one Reply: its file, then its messages (split to fit), or the whole answer as a file when it is long. */
import type { Logger } from 'pino';
import type { webApi } from '@slack/bolt';
import { context, text, type Reply } from '../../src/render/reply.js';
import { renderText } from '../../src/render/text.js';
import { renderBlockKit, splitForSlack } from './block-kit.js';
import type { Conversation } from './conversation.js';
import { uploadFile, type DirectMessages } from './files.js';

/** Who sees it: the requester alone, everyone in the conversation, or the requester in place of the clicked message. */
export type Audience = 'requester' | 'channel' | 'replace';

export interface AnswerDeps {
  client: webApi.WebClient;
  dms: DirectMessages;
  logger: Logger;
  /** More messages than this and the answer goes as a text file instead. */
  maxParts: number;
}

const reason = (e: unknown): string => (e as { data?: { error?: string } }).data?.error ?? (e as Error).message;
const fileName = (title: string | undefined): string =>
  `${
    (title ?? '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'plexus-answer'
  }.txt`;

/** Uploads the reply's file (privately: to the requester's DM) and leaves only its name and size in the reply. */
async function shipFile(d: AnswerDeps, conv: Conversation, r: Reply, privately: boolean): Promise<Reply> {
  const file = r.file;
  if (!file?.content) return r;
  const meta = { name: file.name, bytes: file.content.length, ...(file.contentType ? { contentType: file.contentType } : {}) };
  try {
    const channelId = privately ? await d.dms.channelOf(conv.userId) : conv.channelId;
    await uploadFile(d.client, { channelId, name: file.name, content: file.content });
    return {
      ...r,
      file: meta,
      blocks: [
        ...r.blocks,
        context(privately ? 'The file was sent to you in your direct messages with the app.' : 'The file was shared in this conversation.'),
      ],
    };
  } catch (e) {
    d.logger.warn({ error: reason(e), file: file.name }, 'file upload to Slack failed');
    return {
      ...r,
      file: meta,
      blocks: [...r.blocks, text(`⚠️ The file \`${file.name}\` could not be delivered (${reason(e)}). Run the command again.`)],
    };
  }
}

/** A long answer as one text file, with a short message pointing at it; undefined when the upload fails. */
async function asFile(d: AnswerDeps, conv: Conversation, r: Reply, parts: number, privately: boolean): Promise<Reply | undefined> {
  const name = fileName(r.title);
  const content = Buffer.from(`${renderText({ ...r, actions: undefined })}\n`, 'utf8');
  try {
    const channelId = privately ? await d.dms.channelOf(conv.userId) : conv.channelId;
    await uploadFile(d.client, { channelId, name, content });
  } catch (e) {
    d.logger.warn({ error: reason(e) }, 'long answer upload failed; sending it as several messages');
    return undefined;
  }
  return {
    severity: r.severity,
    ...(r.title ? { title: r.title } : {}),
    ...(r.private ? { private: true } : {}),
    ...(r.actions ? { actions: r.actions } : {}),
    file: { name, bytes: content.length, contentType: 'text/plain' },
    blocks: [
      text(`The answer is too long for ${parts} messages, so it is in the file \`${name}\`.`),
      context(privately ? 'Sent to you in your direct messages with the app.' : 'Shared in this conversation.'),
    ],
  };
}

export async function deliver(d: AnswerDeps, conv: Conversation, reply: Reply, wanted: Audience): Promise<void> {
  // Whatever the caller asked: a private reply is never shown to the channel.
  const audience: Audience = reply.private && wanted === 'channel' ? 'requester' : wanted;
  const privately = reply.private === true || audience !== 'channel';
  let r = await shipFile(d, conv, reply, privately);
  let parts = splitForSlack(r);
  if (parts.length > d.maxParts) {
    const short = await asFile(d, conv, r, parts.length, privately);
    if (short) {
      r = short;
      parts = splitForSlack(r);
    }
  }
  const first = audience === 'channel' ? conv.toChannel : audience === 'replace' && conv.replace ? conv.replace : conv.toRequester;
  const rest = audience === 'channel' ? conv.toChannel : conv.toRequester;
  for (const [i, p] of parts.entries()) await (i === 0 ? first : rest)(renderBlockKit(p));
}
