/**
 * Discord's gateway (v10, JSON, no compression) on the ws package: HELLO,
 * IDENTIFY → READY (user, application, guilds) then GUILD_CREATE,
 * heartbeats acknowledged, RESUME → missed events replayed then RESUMED,
 * dispatches with sequence numbers, and the server-side disconnects a
 * client must survive.
 */
import { randomBytes } from 'node:crypto';
import { WebSocket, WebSocketServer } from 'ws';
import { guildCreate, type FakeGuild, type FakeUser } from './discord-payloads.js';

type Json = Record<string, unknown>;

interface Session {
  id: string;
  seq: number;
  socket?: WebSocket;
  /** Dispatches with their sequence, kept for replay on resume. */
  sent: { s: number; t: string; d: unknown }[];
}

export interface GatewayStats {
  identifies: number;
  resumes: number;
  heartbeats: number;
  connections: number;
}

export class FakeGateway {
  readonly wss = new WebSocketServer({ noServer: true });
  readonly stats: GatewayStats = { identifies: 0, resumes: 0, heartbeats: 0, connections: 0 };
  private session?: Session;
  private readyWaiters: (() => void)[] = [];
  url = '';

  constructor(
    private readonly opts: { token: string; applicationId: string; bot: FakeUser; guild: FakeGuild; heartbeatIntervalMs?: number },
  ) {
    this.wss.on('connection', (ws, req) => this.onConnection(ws, new URL(req.url ?? '/', 'ws://x')));
  }

  private send(ws: WebSocket, payload: Json): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(payload));
  }

  private onConnection(ws: WebSocket, url: URL): void {
    this.stats.connections++;
    if (url.searchParams.get('v') !== '10' || url.searchParams.get('encoding') !== 'json') {
      ws.close(4012, 'Invalid API version');
      return;
    }
    this.send(ws, { op: 10, d: { heartbeat_interval: this.opts.heartbeatIntervalMs ?? 41_250 }, s: null, t: null });
    ws.on('message', (raw) => {
      let p: Json;
      try {
        p = JSON.parse(String(raw)) as Json;
      } catch {
        ws.close(4002, 'Error while decoding payload.');
        return;
      }
      this.onPayload(ws, p);
    });
    ws.on('close', () => {
      if (this.session?.socket === ws) this.session.socket = undefined;
    });
  }

  private onPayload(ws: WebSocket, p: Json): void {
    const d = (p.d ?? {}) as Json;
    switch (p.op) {
      case 1:
        this.stats.heartbeats++;
        this.send(ws, { op: 11, d: null, s: null, t: null });
        return;
      case 2: {
        if (d.token !== this.opts.token) return void ws.close(4004, 'Authentication failed.');
        this.stats.identifies++;
        this.session = { id: randomBytes(16).toString('hex'), seq: 0, socket: ws, sent: [] };
        this.dispatch('READY', {
          v: 10,
          user: { ...this.opts.bot, verified: true, mfa_enabled: false, flags: 0 },
          guilds: [{ id: this.opts.guild.id, unavailable: true }],
          session_id: this.session.id,
          session_type: 'normal',
          resume_gateway_url: this.url,
          shard: [0, 1],
          application: { id: this.opts.applicationId, flags: 0 },
          private_channels: [],
          presences: [],
          relationships: [],
          guild_join_requests: [],
          geo_ordered_rtc_regions: [],
          auth_session_id_hash: '',
        });
        this.dispatch('GUILD_CREATE', guildCreate(this.opts.guild, this.opts.bot));
        for (const w of this.readyWaiters.splice(0)) w();
        return;
      }
      case 6: {
        const s = this.session;
        if (d.token !== this.opts.token || !s || d.session_id !== s.id) return void this.send(ws, { op: 9, d: false, s: null, t: null });
        this.stats.resumes++;
        s.socket = ws;
        for (const e of s.sent.filter((x) => x.s > Number(d.seq))) this.send(ws, { op: 0, ...e });
        this.dispatch('RESUMED', {});
        return;
      }
      default:
        // presence updates, member requests: not needed by this bot
        return;
    }
  }

  /** Sends a dispatch to the session (kept for replay when no socket is connected). */
  dispatch(t: string, d: unknown): void {
    const s = this.session;
    if (!s) throw new Error('no gateway session: the client has not identified');
    const e = { s: ++s.seq, t, d };
    s.sent.push(e);
    if (s.socket) this.send(s.socket, { op: 0, ...e });
  }

  /** Resolves once a client has identified (now, if one has). */
  identified(): Promise<void> {
    return this.session ? Promise.resolve() : new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** Closes the connection the way Discord does when the client should resume (4000 unknown error). */
  disconnect(code = 4000): void {
    const ws = this.session?.socket;
    if (this.session) this.session.socket = undefined;
    ws?.close(code, 'Unknown error');
  }

  get connected(): boolean {
    return this.session?.socket?.readyState === WebSocket.OPEN;
  }

  close(): void {
    for (const c of this.wss.clients) c.terminate();
    this.wss.close();
  }
}
