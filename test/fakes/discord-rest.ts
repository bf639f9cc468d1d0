/**
 * Discord's REST API (v10) as a bot sees it, for the routes this bot uses:
 * gateway discovery, command registration, interaction callbacks and
 * webhooks (with Discord's 3 s / 15 min windows and one acknowledgement per
 * interaction), channel messages, multipart uploads, X-RateLimit headers.
 * Payloads are checked against Discord's limits; a bad one gets Discord's
 * 400 "Invalid Form Body". Every call is recorded.
 */
import { createHash } from 'node:crypto';
import type http from 'node:http';
import { snowflake, type FakeUser } from './discord-payloads.js';
import { choicesProblems, commandProblems, messageProblems } from './discord-validate.js';

type Json = Record<string, unknown>;

export interface UploadedFile {
  field: string;
  name: string;
  contentType: string;
  data: Buffer;
}

export interface DiscordCall {
  method: string;
  /** Path below /api/v10, decoded (`@original` whatever the encoding). */
  path: string;
  query: Record<string, string>;
  body: unknown;
  files: UploadedFile[];
  status: number;
  /** Problems found in the payload (a 400 was answered). */
  problems: string[];
  at: number;
  interactionId?: string;
  /** The message created or edited by the call. */
  messageId?: string;
}

export interface FakeMessage extends Json {
  id: string;
  channel_id: string;
  flags: number;
  content: string;
  embeds: Json[];
  components: Json[];
  attachments: Json[];
}

interface InteractionState {
  id: string;
  token: string;
  type: number;
  createdAt: number;
  channelId: string;
  guildId?: string;
  user: FakeUser;
  /** Callback type once acknowledged. */
  ack?: number;
  originalId?: string;
  /** Components: the message clicked. */
  message?: FakeMessage;
}

export const EPHEMERAL = 64;
const LOADING = 128;
const RESPONSE_WINDOW_MS = 3_000;
const TOKEN_LIFETIME_MS = 15 * 60_000;
const ALLOWED_CALLBACKS: Record<number, number[]> = { 2: [4, 5, 9], 3: [4, 5, 6, 7, 9], 4: [8], 5: [4, 5, 6, 7] };

export class DiscordRestState {
  readonly calls: DiscordCall[] = [];
  readonly messages = new Map<string, FakeMessage>();
  readonly commands = new Map<string, Json[]>();
  readonly attachments = new Map<string, { name: string; data: Buffer; contentType: string }>();
  /** Ids of attachments downloaded from the CDN route. */
  readonly downloads: string[] = [];
  private readonly interactions = new Map<string, InteractionState>();
  private readonly byToken = new Map<string, InteractionState>();
  private commandVersion = 0;
  private faults: { method: string; path: RegExp; status: number; json: unknown }[] = [];
  origin = '';
  gatewayUrl = '';
  now: () => number = Date.now;

  constructor(
    readonly token: string,
    readonly applicationId: string,
    readonly bot: FakeUser,
  ) {}

  /** The next call matching `method` and `path` answers `status` with `json` (Discord's error shape by default). */
  failNext(method: string, path: RegExp, status: number, json: unknown = { code: 50035, message: 'Invalid Form Body', errors: {} }): void {
    this.faults.push({ method, path, status, json });
  }

  /** Called when the gateway dispatches INTERACTION_CREATE. */
  registerInteraction(p: Json): void {
    const where = (p.member as Json | undefined)?.user ?? p.user;
    const s: InteractionState = {
      id: String(p.id),
      token: String(p.token),
      type: Number(p.type),
      createdAt: this.now(),
      channelId: String(p.channel_id),
      ...(p.guild_id ? { guildId: String(p.guild_id) } : {}),
      user: where as FakeUser,
      ...(p.message ? { message: p.message as FakeMessage } : {}),
    };
    if (s.message && !this.messages.has(s.message.id)) this.messages.set(s.message.id, s.message);
    this.interactions.set(s.id, s);
    this.byToken.set(s.token, s);
  }

  addAttachment(name: string, data: Buffer, contentType = 'application/json') {
    const id = snowflake();
    this.attachments.set(id, { name, data, contentType });
    const url = `${this.origin}/attachments/${id}/${encodeURIComponent(name)}`;
    return { id, filename: name, size: data.length, url, proxy_url: url, content_type: contentType };
  }

  commandList(scope: string): Json[] {
    return this.commands.get(scope) ?? [];
  }

  private message(channelId: string, body: Json, files: UploadedFile[], extra: Json, previous?: FakeMessage): FakeMessage {
    const kept =
      Array.isArray(body.attachments) && previous
        ? previous.attachments.filter((a) => (body.attachments as Json[]).some((b) => String(b.id) === String(a.id)))
        : (previous?.attachments ?? []);
    const uploaded = files.map((f) => ({ ...this.addAttachment(f.name, f.data, f.contentType) }));
    const m: FakeMessage = {
      type: 0,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      pinned: false,
      timestamp: new Date(this.now()).toISOString(),
      edited_timestamp: previous ? new Date(this.now()).toISOString() : null,
      author: this.bot,
      ...previous,
      ...extra,
      id: previous?.id ?? snowflake(),
      channel_id: channelId,
      content: typeof body.content === 'string' ? body.content : (previous?.content ?? ''),
      embeds: Array.isArray(body.embeds) ? (body.embeds as Json[]) : (previous?.embeds ?? []),
      components: Array.isArray(body.components) ? (body.components as Json[]) : (previous?.components ?? []),
      attachments: [...kept, ...uploaded],
      flags: ((previous?.flags ?? 0) & ~LOADING) | (typeof body.flags === 'number' ? body.flags & EPHEMERAL : 0) | Number(extra.flags ?? 0),
    };
    this.messages.set(m.id, m);
    const call = this.calls[this.calls.length - 1];
    if (call) call.messageId = m.id;
    return m;
  }

  private webhookMessage(s: InteractionState, body: Json, files: UploadedFile[], extra: Json, previous?: FakeMessage): FakeMessage {
    return this.message(
      s.channelId,
      body,
      files,
      {
        webhook_id: this.applicationId,
        application_id: this.applicationId,
        interaction_metadata: { id: s.id, type: s.type, user: s.user, authorizing_integration_owners: {} },
        ...extra,
      },
      previous,
    );
  }

  /** Handles one request below /api/v10; returns status and JSON (undefined for 204). */
  handle(
    method: string,
    path: string,
    query: Record<string, string>,
    headers: http.IncomingHttpHeaders,
    body: unknown,
    files: UploadedFile[],
  ): { status: number; json?: unknown } {
    const call: DiscordCall = { method, path, query, body, files, status: 0, problems: [], at: this.now() };
    this.calls.push(call);
    const answer = (status: number, json?: unknown) => {
      call.status = status;
      return { status, json };
    };
    const invalid = (problems: string[]) => {
      call.problems = problems;
      return answer(400, {
        code: 50035,
        message: 'Invalid Form Body',
        errors: { _errors: problems.map((p) => ({ code: 'BASE_TYPE_INVALID', message: p })) },
      });
    };
    const fault = this.faults.findIndex((f) => f.method === method && f.path.test(path));
    if (fault >= 0) {
      const [f] = this.faults.splice(fault, 1);
      call.interactionId = this.byToken.get(path.split('/')[3] ?? '')?.id ?? path.match(/^\/interactions\/(\d+)/)?.[1];
      return answer(f!.status, f!.json);
    }
    const authed = headers.authorization === `Bot ${this.token}`;
    const b = (body ?? {}) as Json;
    let m: RegExpMatchArray | null;

    if ((m = path.match(/^\/interactions\/(\d+)\/([^/]+)\/callback$/)) && method === 'POST') {
      const s = this.interactions.get(m[1]!);
      call.interactionId = m[1];
      if (!s || s.token !== m[2] || this.now() - s.createdAt > RESPONSE_WINDOW_MS)
        return answer(404, { code: 10062, message: 'Unknown interaction' });
      if (s.ack !== undefined) return answer(400, { code: 40060, message: 'Interaction has already been acknowledged.' });
      const type = Number(b.type);
      if (!ALLOWED_CALLBACKS[s.type]?.includes(type))
        return invalid([`type: ${type} is not a valid response to interaction type ${s.type}`]);
      const data = (b.data ?? {}) as Json;
      const problems = type === 8 ? choicesProblems(data) : type === 4 || type === 7 ? messageProblems(data) : [];
      if (problems.length > 0) return invalid(problems);
      s.ack = type;
      if (type === 4 || type === 5) {
        const original = this.webhookMessage(s, type === 5 ? { flags: data.flags } : data, files, {
          type: s.type === 2 ? 20 : 19,
          flags: type === 5 ? LOADING : 0,
        });
        s.originalId = original.id;
      } else if (type === 7 && s.message) {
        this.message(s.message.channel_id, data, files, {}, this.messages.get(s.message.id) ?? s.message);
      }
      if (query.with_response === 'true')
        return answer(200, {
          interaction: { id: s.id, type: s.type },
          resource: { type, ...(s.originalId ? { message: this.messages.get(s.originalId) } : {}) },
        });
      return answer(204);
    }

    if ((m = path.match(/^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/([^/]+))?$/))) {
      const s = this.byToken.get(m[2]!);
      if (m[1] !== this.applicationId || !s) return answer(404, { code: 10015, message: 'Unknown Webhook' });
      call.interactionId = s.id;
      if (this.now() - s.createdAt > TOKEN_LIFETIME_MS) return answer(401, { code: 50027, message: 'Invalid Webhook Token' });
      if (s.ack === undefined || s.ack === 8) return answer(404, { code: 10015, message: 'Unknown Webhook' });
      const target = m[3] === '@original' ? (s.originalId ?? s.message?.id) : m[3];
      if (m[3] !== undefined) {
        const existing = target ? this.messages.get(target) : undefined;
        if (!existing) return answer(404, { code: 10008, message: 'Unknown Message' });
        if (method === 'GET') return answer(200, existing);
        if (method !== 'PATCH') return answer(405, { code: 0, message: '405: Method Not Allowed' });
        const next = {
          ...existing,
          content: typeof b.content === 'string' ? b.content : existing.content,
          embeds: (b.embeds as Json[]) ?? existing.embeds,
          components: (b.components as Json[]) ?? existing.components,
        };
        const problems = messageProblems(next);
        if (problems.length > 0) return invalid(problems);
        return answer(200, this.message(existing.channel_id, b, files, {}, existing));
      }
      if (method !== 'POST') return answer(405, { code: 0, message: '405: Method Not Allowed' });
      const problems = messageProblems(b);
      if (problems.length > 0) return invalid(problems);
      const created = this.webhookMessage(s, b, files, {});
      return query.wait === 'true' ? answer(200, created) : answer(204);
    }

    if (!authed) return answer(401, { code: 0, message: '401: Unauthorized' });

    if (path === '/gateway/bot' && method === 'GET') {
      return answer(200, {
        url: this.gatewayUrl,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
      });
    }
    if (path === '/users/@me' && method === 'GET') return answer(200, { ...this.bot, verified: true, mfa_enabled: false, flags: 0 });

    if ((m = path.match(/^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/))) {
      if (m[1] !== this.applicationId) return answer(403, { code: 50001, message: 'Missing Access' });
      const scope = m[2] ? `guild:${m[2]}` : 'global';
      if (method === 'GET') return answer(200, this.commandList(scope));
      if (method !== 'PUT' || !Array.isArray(body)) return answer(405, { code: 0, message: '405: Method Not Allowed' });
      const problems = (body as unknown[]).flatMap((c, i) => commandProblems(c).map((p) => `[${i}] ${p}`));
      if (problems.length > 0) return invalid(problems);
      const stored = (body as Json[]).map((c) => {
        const old = this.commandList(scope).find((o) => o.name === c.name);
        return {
          ...c,
          id: old?.id ?? snowflake(),
          application_id: this.applicationId,
          version: String(++this.commandVersion),
          type: c.type ?? 1,
          default_member_permissions: c.default_member_permissions ?? null,
          nsfw: false,
          ...(m![2] ? { guild_id: m![2] } : {}),
        };
      });
      this.commands.set(scope, stored);
      return answer(200, stored);
    }

    if ((m = path.match(/^\/channels\/(\d+)\/messages(?:\/(\d+))?$/))) {
      const existing = m[2] ? this.messages.get(m[2]) : undefined;
      if (m[2] && (!existing || existing.channel_id !== m[1])) return answer(404, { code: 10008, message: 'Unknown Message' });
      const merged = existing ? { ...existing, ...b } : b;
      const problems = messageProblems(merged);
      if (problems.length > 0) return invalid(problems);
      if (method === 'POST' && !m[2]) return answer(200, this.message(m[1]!, b, files, {}));
      if (method === 'PATCH' && existing) return answer(200, this.message(m[1]!, b, files, {}, existing));
      return answer(405, { code: 0, message: '405: Method Not Allowed' });
    }
    return answer(404, { code: 0, message: '404: Not Found' });
  }

  /** X-RateLimit headers as Discord sends them (a generous bucket, never exhausted). */
  rateLimitHeaders(method: string, path: string): Record<string, string> {
    const route = path.replace(/\d{15,}/g, ':id').replace(/\/[^/]{40,}/g, '/:token');
    return {
      'x-ratelimit-limit': '50',
      'x-ratelimit-remaining': '49',
      'x-ratelimit-reset': String((this.now() + 1000) / 1000),
      'x-ratelimit-reset-after': '1.000',
      'x-ratelimit-bucket': createHash('sha1').update(`${method} ${route}`).digest('hex').slice(0, 16),
    };
  }
}
