/** Files both ways: uploads with Slack's two-step external upload, downloads of files users share. */
import type { webApi } from '@slack/bolt';
import type { Attachment } from '../../src/core/command.js';
import { formatBytes } from '../../src/render/format.js';

/** A file as Slack describes it in a message event. */
export interface SlackFile {
  id?: string;
  name?: string;
  title?: string;
  mimetype?: string;
  size?: number;
  mode?: string;
  url_private?: string;
  url_private_download?: string;
}

/** Says what went wrong with a file, in words fit for the user. */
export class SlackFileError extends Error {
  override name = 'SlackFileError';
}

/** The requester's DM with the bot (`conversations.open`, im:write), remembered per user. */
export class DirectMessages {
  private readonly ids = new Map<string, Promise<string>>();

  constructor(private readonly client: webApi.WebClient) {}

  channelOf(userId: string): Promise<string> {
    let id = this.ids.get(userId);
    if (!id) {
      id = this.client.conversations.open({ users: userId }).then((r) => {
        if (!r.channel?.id) throw new Error('conversations.open returned no channel');
        return r.channel.id;
      });
      id.catch(() => this.ids.delete(userId));
      this.ids.set(userId, id);
    }
    return id;
  }
}

/**
 * files.getUploadURLExternal → the bytes to the returned URL →
 * files.completeUploadExternal shared to `channelId` (the WebClient's
 * filesUploadV2 does these three steps).
 */
export async function uploadFile(
  client: webApi.WebClient,
  o: { channelId: string; name: string; content: Buffer; comment?: string },
): Promise<void> {
  await client.filesUploadV2({
    channel_id: o.channelId,
    file: o.content,
    filename: o.name,
    title: o.name,
    ...(o.comment ? { initial_comment: o.comment } : {}),
  });
}

/** Only Slack's own hosts (or the configured API host, for proxies and tests) ever get the bot token. */
function trustedHost(url: URL, apiUrl: string): boolean {
  const api = new URL(apiUrl);
  return url.host === api.host || url.hostname === 'slack.com' || url.hostname.endsWith('.slack.com');
}

/** Downloads the files shared with a message, with the bot token (files:read). */
export async function downloadFiles(
  files: readonly SlackFile[],
  o: { token: string; apiUrl: string; maxBytes: number; fetch?: typeof fetch },
): Promise<Attachment[]> {
  const get = o.fetch ?? fetch;
  const out: Attachment[] = [];
  for (const f of files) {
    const name = f.name ?? f.title ?? f.id ?? 'file';
    const where = f.url_private_download ?? f.url_private;
    if (!where || f.mode === 'tombstone' || f.mode === 'hidden_by_limit')
      throw new SlackFileError(`\`${name}\` is not available for download any more.`);
    if (f.size !== undefined && f.size > o.maxBytes)
      throw new SlackFileError(`\`${name}\` is ${formatBytes(f.size)}; the bot takes files up to ${formatBytes(o.maxBytes)}.`);
    let url: URL;
    try {
      url = new URL(where);
    } catch {
      throw new SlackFileError(`\`${name}\` has no usable download address.`);
    }
    if (!trustedHost(url, o.apiUrl)) throw new SlackFileError(`\`${name}\` is not hosted by Slack; it was not downloaded.`);
    const res = await get(url, { headers: { authorization: `Bearer ${o.token}` } });
    // Without files:read Slack answers with its sign-in page instead of the file.
    if (!res.ok || (res.headers.get('content-type') ?? '').startsWith('text/html')) {
      await res.body?.cancel();
      throw new SlackFileError(`Slack did not hand out \`${name}\` (HTTP ${res.status}); the app needs the files:read scope.`);
    }
    if (Number(res.headers.get('content-length') ?? 0) > o.maxBytes) {
      await res.body?.cancel();
      throw new SlackFileError(`\`${name}\` is over ${formatBytes(o.maxBytes)}; the bot takes files up to that size.`);
    }
    const content = Buffer.from(await res.arrayBuffer());
    if (content.length > o.maxBytes)
      throw new SlackFileError(`\`${name}\` is over ${formatBytes(o.maxBytes)}; the bot takes files up to that size.`);
    out.push({ name, content, ...(f.mimetype ? { contentType: f.mimetype } : {}) });
  }
  return out;
}
