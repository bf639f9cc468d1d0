/**
 * A Slack Web API on 127.0.0.1 that keeps Slack's contracts: methods POSTed
 * to /api/<method> form-encoded (or JSON) with `Authorization: Bearer`,
 * answers `{ok, ...}` with HTTP 200 (429 + Retry-After when rate limited),
 * response_url hooks (JSON, five uses), the external upload URL, private
 * file downloads that need the bot token, and a Socket Mode WebSocket.
 * Everything received is recorded for assertions.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { attachSocketMode, type FakeSocketMode } from './slack-socket.js';
import { messageError } from './slack-validate.js';

export type Args = Record<string, unknown>;

export interface ApiCall {
  method: string;
  args: Args;
  token?: string;
  at: number;
}

export interface HookPost {
  hook: string;
  /** Where the hook belongs (set when the hook was made). */
  channel: string;
  user: string;
  ephemeralOriginal: boolean;
  body: Args;
  at: number;
}

/** A message as people would see it: where, and who can see it. */
export interface Seen {
  via: string;
  channel: string;
  visibility: 'channel' | 'requester';
  replaces?: boolean;
  text?: unknown;
  blocks?: unknown;
}

export interface Upload {
  fileId: string;
  filename: string;
  content: Buffer;
  /** Set by files.completeUploadExternal. */
  channel?: string;
  comment?: string;
}

export interface FakeSlack {
  url: string;
  apiUrl: string;
  botToken: string;
  appToken: string;
  calls: ApiCall[];
  hookPosts: HookPost[];
  uploads: Upload[];
  usergroups: { id: string; handle: string; users: string[] }[];
  socket: FakeSocketMode;
  /** A response_url for a request by `user` in `channel` (for a click: whether the clicked message was ephemeral). */
  hook(channel: string, user: string, opts?: { ephemeralOriginal?: boolean }): string;
  /** The next `count` calls of `method` answer 429 with Retry-After. */
  rateLimitNext(method: string, retryAfterSeconds: number, count?: number): void;
  /** The next `count` calls of `method` answer `{ok: false, error}`. */
  failNext(method: string, error: string, count?: number): void;
  /** A file users can share; only the bot token downloads it. */
  addFile(
    name: string,
    content: Buffer,
    mimetype?: string,
  ): { id: string; name: string; mimetype: string; size: number; url_private: string; url_private_download: string; mode: string };
  callsTo(method: string): ApiCall[];
  /** Every message that reached Slack, with who could see it. */
  seen(): Seen[];
  waitFor<T>(probe: () => T | undefined | false, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

const isDm = (channel: string) => channel.startsWith('D');

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function parseArgs(req: IncomingMessage, raw: Buffer): Args {
  const type = req.headers['content-type'] ?? '';
  const args: Args = type.includes('application/json')
    ? (JSON.parse(raw.toString('utf8') || '{}') as Args)
    : Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
  for (const k of ['blocks', 'files', 'attachments']) {
    if (typeof args[k] === 'string') {
      try {
        args[k] = JSON.parse(args[k] as string);
      } catch {
        // left as a string: the method answers invalid_arguments
      }
    }
  }
  return args;
}

const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json; charset=utf-8', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

export async function startFakeSlack(opts: { botToken?: string; appToken?: string; teamId?: string } = {}): Promise<FakeSlack> {
  const botToken = opts.botToken ?? 'xoxb-0000-fake-bot-token';
  const appToken = opts.appToken ?? 'xapp-1-fake-app-token';
  const team = opts.teamId ?? 'T0PLEXUS';
  const limits = new Map<string, { retryAfter: number; count: number }>();
  const failures = new Map<string, { error: string; count: number }>();
  const hooks = new Map<string, { channel: string; user: string; uses: number; ephemeralOriginal: boolean }>();
  const files = new Map<string, { name: string; content: Buffer; mimetype: string }>();
  const posted = new Map<string, string>(); // ts -> channel
  let seq = 0;
  const next = (prefix: string) => `${prefix}${String(++seq).padStart(6, '0')}`;
  const nextTs = () => `17${String(Date.now()).slice(-8)}.${String(++seq).padStart(6, '0')}`;

  const fake = {
    url: '',
    apiUrl: '',
    botToken,
    appToken,
    calls: [] as ApiCall[],
    hookPosts: [] as HookPost[],
    uploads: [] as Upload[],
    usergroups: [] as FakeSlack['usergroups'],
  } as FakeSlack;

  const methods: Record<string, (a: Args, token: string | undefined) => Args> = {
    'auth.test': () => ({
      url: 'https://plexus-test.slack.com/',
      team: 'Plexus Test',
      user: 'plexus',
      team_id: team,
      user_id: 'U0PLEXUSBOT',
      bot_id: 'B0PLEXUSBOT',
      is_enterprise_install: false,
    }),
    'chat.postMessage': (a) => {
      const err = messageError(a);
      if (err) return { ok: false, ...err };
      if (!a.channel) return { ok: false, error: 'channel_not_found' };
      const ts = nextTs();
      posted.set(ts, String(a.channel));
      return { channel: a.channel, ts, message: { type: 'message', text: a.text, user: 'U0PLEXUSBOT', bot_id: 'B0PLEXUSBOT', ts } };
    },
    'chat.postEphemeral': (a) => {
      const err = messageError(a);
      if (err) return { ok: false, ...err };
      if (!a.channel || !a.user) return { ok: false, error: 'channel_not_found' };
      return { message_ts: nextTs() };
    },
    'chat.update': (a) => {
      const err = messageError(a);
      if (err) return { ok: false, ...err };
      if (posted.get(String(a.ts)) !== a.channel) return { ok: false, error: 'message_not_found' };
      return { channel: a.channel, ts: a.ts, text: a.text };
    },
    'conversations.open': (a) => {
      const users = String(a.users ?? '')
        .split(',')
        .filter(Boolean);
      if (users.length !== 1) return { ok: false, error: 'users_list_not_supplied' };
      return { channel: { id: `D${users[0]!.slice(1)}` } };
    },
    'usergroups.list': (a) => ({
      usergroups: fake.usergroups.map((g) => ({
        id: g.id,
        team_id: team,
        handle: g.handle,
        name: g.handle,
        user_count: g.users.length,
        ...(String(a.include_users) === 'true' ? { users: g.users } : {}),
      })),
    }),
    'usergroups.users.list': (a) => {
      const g = fake.usergroups.find((x) => x.id === a.usergroup);
      return g ? { users: g.users } : { ok: false, error: 'no_such_subteam' };
    },
    'files.getUploadURLExternal': (a) => {
      if (!a.filename || !(Number(a.length) > 0)) return { ok: false, error: 'invalid_arguments' };
      const fileId = next('F');
      fake.uploads.push({ fileId, filename: String(a.filename), content: Buffer.alloc(0) });
      return { upload_url: `${fake.url}/upload/v1/${fileId}`, file_id: fileId };
    },
    'files.completeUploadExternal': (a) => {
      const list = Array.isArray(a.files) ? (a.files as { id: string; title?: string }[]) : [];
      const done = list.map((f) => fake.uploads.find((u) => u.fileId === f.id));
      if (list.length === 0 || done.some((u) => !u || u.content.length === 0)) return { ok: false, error: 'file_not_found' };
      for (const u of done) {
        if (a.channel_id) u!.channel = String(a.channel_id);
        if (a.initial_comment) u!.comment = String(a.initial_comment);
      }
      return { files: done.map((u) => ({ id: u!.fileId, name: u!.filename, title: u!.filename })) };
    },
  };

  const api = (method: string, req: IncomingMessage, res: ServerResponse, raw: Buffer) => {
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const args = parseArgs(req, raw);
    const token = auth ?? (typeof args.token === 'string' ? args.token : undefined);
    fake.calls.push({ method, args, ...(token ? { token } : {}), at: Date.now() });
    const limit = limits.get(method);
    if (limit && limit.count > 0) {
      limit.count--;
      return send(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(limit.retryAfter) });
    }
    const wanted = method === 'apps.connections.open' ? appToken : botToken;
    if (token !== wanted) return send(res, 200, { ok: false, error: token ? 'invalid_auth' : 'not_authed' });
    const failure = failures.get(method);
    if (failure && failure.count > 0) {
      failure.count--;
      return send(res, 200, { ok: false, error: failure.error });
    }
    if (method === 'apps.connections.open') return send(res, 200, { ok: true, url: fake.socket.url });
    const handler = methods[method];
    if (!handler) return send(res, 200, { ok: false, error: 'unknown_method' });
    send(res, 200, { ok: true, ...handler(args, token) });
  };

  const hookPost = (id: string, req: IncomingMessage, res: ServerResponse, raw: Buffer) => {
    const h = hooks.get(id);
    if (!h) return send(res, 404, 'no_such_hook');
    if (!(req.headers['content-type'] ?? '').includes('application/json')) return send(res, 400, 'invalid_payload');
    if (h.uses >= 5) return send(res, 404, 'used_url');
    h.uses++;
    const body = JSON.parse(raw.toString('utf8')) as Args;
    const err = messageError(body);
    if (err) return send(res, 400, err.error);
    fake.hookPosts.push({ hook: id, channel: h.channel, user: h.user, ephemeralOriginal: h.ephemeralOriginal, body, at: Date.now() });
    send(res, 200, 'ok');
  };

  const upload = async (id: string, req: IncomingMessage, res: ServerResponse, raw: Buffer) => {
    const u = fake.uploads.find((x) => x.fileId === id);
    if (!u) return send(res, 404, 'not_found');
    const type = req.headers['content-type'] ?? '';
    if (type.startsWith('multipart/form-data')) {
      const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
      const part = [...form.values()].find((v): v is File => typeof v !== 'string');
      u.content = part ? Buffer.from(await part.arrayBuffer()) : Buffer.alloc(0);
    } else {
      u.content = raw;
    }
    send(res, 200, `OK - ${u.content.length}`);
  };

  const download = (id: string, req: IncomingMessage, res: ServerResponse) => {
    const f = files.get(id);
    if (!f) return send(res, 404, 'not_found');
    // Like Slack: without a valid token you get the sign-in page, not the file.
    if (req.headers.authorization !== `Bearer ${botToken}`)
      return send(res, 200, '<html><body>Sign in to Slack</body></html>', { 'content-type': 'text/html; charset=utf-8' });
    res.writeHead(200, { 'content-type': f.mimetype, 'content-length': f.content.length });
    res.end(f.content);
  };

  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      let m: RegExpExecArray | null;
      if (req.method === 'POST' && (m = /^\/api\/([\w.]+)$/.exec(path))) return api(m[1]!, req, res, raw);
      if (req.method === 'POST' && (m = /^\/hooks\/([\w-]+)$/.exec(path))) return hookPost(m[1]!, req, res, raw);
      if (req.method === 'POST' && (m = /^\/upload\/v1\/(\w+)$/.exec(path))) return upload(m[1]!, req, res, raw);
      if (req.method === 'GET' && (m = /^\/files-pri\/\w+-(\w+)\/[^/]+$/.exec(path))) return download(m[1]!, req, res);
      send(res, 404, 'not_found');
    })().catch(() => res.socket?.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.apiUrl = `${fake.url}/api/`;
  fake.socket = attachSocketMode(server, fake.url.replace('http:', 'ws:'));

  fake.hook = (channel, user, o = {}) => {
    const id = next('hook-');
    hooks.set(id, { channel, user, uses: 0, ephemeralOriginal: o.ephemeralOriginal ?? false });
    return `${fake.url}/hooks/${id}`;
  };
  fake.rateLimitNext = (method, retryAfter, count = 1) => void limits.set(method, { retryAfter, count });
  fake.failNext = (method, error, count = 1) => void failures.set(method, { error, count });
  fake.addFile = (name, content, mimetype = 'application/octet-stream') => {
    const id = next('F');
    files.set(id, { name, content, mimetype });
    const url = `${fake.url}/files-pri/${team}-${id}/${encodeURIComponent(name)}`;
    return { id, name, mimetype, size: content.length, url_private: url, url_private_download: url, mode: 'hosted' };
  };
  fake.callsTo = (method) => fake.calls.filter((c) => c.method === method);
  fake.seen = () => {
    const out: Seen[] = [];
    for (const c of fake.calls) {
      const ch = String(c.args.channel ?? c.args.channel_id ?? '');
      if (c.method === 'chat.postMessage' || c.method === 'chat.update')
        out.push({ via: c.method, channel: ch, visibility: isDm(ch) ? 'requester' : 'channel', text: c.args.text, blocks: c.args.blocks });
      if (c.method === 'chat.postEphemeral')
        out.push({ via: c.method, channel: ch, visibility: 'requester', text: c.args.text, blocks: c.args.blocks });
    }
    for (const p of fake.hookPosts) {
      // A replaced message keeps its audience; otherwise response_type decides.
      const inChannel = p.body.replace_original === true ? !p.ephemeralOriginal : p.body.response_type === 'in_channel';
      out.push({
        via: 'response_url',
        channel: p.channel,
        visibility: inChannel && !isDm(p.channel) ? 'channel' : 'requester',
        replaces: p.body.replace_original === true,
        text: p.body.text,
        blocks: p.body.blocks,
      });
    }
    for (const u of fake.uploads) {
      if (u.channel)
        out.push({
          via: 'file',
          channel: u.channel,
          visibility: isDm(u.channel) ? 'requester' : 'channel',
          text: `${u.filename}\n${u.content.toString('utf8')}`,
        });
    }
    return out;
  };
  fake.waitFor = async (probe, timeoutMs = 5000) => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const v = probe();
      if (v !== undefined && v !== false) return v as never;
      if (Date.now() > until) throw new Error('fake Slack: timed out waiting');
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  fake.close = async () => {
    await fake.socket.close();
    await new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    });
  };
  return fake;
}
