/** The real discord.js client, started by the adapter against the Discord fake and the Plexus fake. */
import { startDiscord, type DiscordHandle, type DiscordOptions } from '../../adapters/discord/index.js';
import { loadConfig, type BotConfig } from '../../src/config.js';
import type { AccessRule } from '../../src/core/policy.js';
import { FileStore } from '../../src/watch/index.js';
import { freshFake, startHarness, type Harness } from '../support/harness.js';
import { startFakeDiscord, type FakeDiscord } from './discord-fake.js';
import { slashCommand, user, type FakeUser, type OptionInput, type Where } from './discord-payloads.js';
import { EPHEMERAL, type UploadedFile } from './discord-rest.js';

type Json = Record<string, unknown>;

/** One thing the bot sent for an interaction, as the channel (or the caller alone) got it. */
export interface Sent {
  via: 'defer' | 'reply' | 'defer-update' | 'update' | 'choices' | 'edit' | 'followup';
  ephemeral: boolean;
  body: Json;
  files: UploadedFile[];
  status: number;
  problems: string[];
  /** Title, description, fields, footer and content, as one text. */
  text: string;
  messageId?: string;
}

export function messageText(body: Json): string {
  const embeds = (body.embeds as Json[] | undefined) ?? [];
  const parts = [typeof body.content === 'string' ? body.content : ''];
  for (const e of embeds) {
    parts.push(String(e.title ?? ''), String(e.description ?? ''));
    for (const f of (e.fields as Json[] | undefined) ?? []) parts.push(`${String(f.name)}: ${String(f.value)}`);
    parts.push(String((e.footer as Json | undefined)?.text ?? ''));
  }
  return parts.filter(Boolean).join('\n');
}

export const people = {
  alice: user('6000000000000000001', 'alice'),
  bob: user('6000000000000000002', 'bob'),
  carol: user('6000000000000000003', 'carol'),
  dave: user('6000000000000000004', 'dave'),
};

export interface DiscordHarness {
  discord: FakeDiscord;
  plexus: Harness;
  bot: DiscordHandle;
  config: BotConfig;
  /** Where a person acts: the ops channel with their roles (alice, bob: platform; carol: viewers; dave: none). */
  at(who: keyof typeof people): Where;
  dm(who: keyof typeof people): Where;
  /** Sends `/plexus <path…>` with these leaf options; resolves when the bot is done with it. */
  slash(
    where: Where,
    path: string[],
    options?: OptionInput[],
    resolved?: { attachments: Record<string, unknown> },
  ): Promise<{ id: string; sent: Sent[] }>;
  /** Resolves when the bot has finished with the interaction (rejects with its error). */
  finished(id: string, timeoutMs?: number): Promise<void>;
  /** What the bot sent for an interaction, in order. */
  sent(id: string): Sent[];
  /**
   * For a beforeEach: the Plexus fake at its seed without faults, the clock at T0 without timers
   * (the bot and the Discord fake's records stay).
   */
  fresh(): void;
  /** Stops the bot and starts a new one (new app, client and state store objects) on the same fakes and `stateDir`. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startDiscordHarness(
  opts: {
    ttlSeconds?: number;
    timeoutMs?: number;
    discord?: Partial<DiscordOptions>;
    /** Keep the bot's state in a FileStore here (default: in memory). */
    stateDir?: string;
  } = {},
): Promise<DiscordHarness> {
  const discord = await startFakeDiscord();
  const [platform, viewers] = discord.guild.roles.map((r) => r.id) as [string, string];
  const channel = discord.guild.channels[0]!.id;
  const access: AccessRule[] = [
    { platform: 'discord', channels: [channel], roles: [platform], tier: 'destructive' },
    { platform: 'discord', channels: [channel], roles: [viewers], tier: 'read' },
    { platform: 'discord', channels: ['dm'], users: [people.alice.id], tier: 'read' },
  ];
  const wire = (more: Partial<Parameters<typeof startHarness>[0]> = {}) =>
    startHarness({
      access,
      ttlSeconds: opts.ttlSeconds ?? 120,
      timeoutMs: opts.timeoutMs ?? 1000,
      ...(opts.stateDir ? { store: new FileStore(opts.stateDir) } : {}),
      ...more,
    });
  const first = await wire();
  let plexus = first;
  const config: BotConfig = {
    ...loadConfig({}),
    access,
    discord: { token: discord.token, applicationId: discord.applicationId, guildId: discord.guild.id, apiUrl: discord.apiUrl },
  };
  const roles: Record<keyof typeof people, string[]> = { alice: [platform], bob: [platform], carol: [viewers], dave: [] };
  const finishedIds = new Map<string, unknown>();
  const waiting = new Map<string, (error: unknown) => void>();
  const onInteractionDone = (d: { id: string; error?: unknown }) => {
    finishedIds.set(d.id, d.error);
    waiting.get(d.id)?.(d.error);
  };
  let bot: DiscordHandle;
  const start = (app: Harness) =>
    startDiscord({ app: app.app, config, logger: app.logger, readyTimeoutMs: 5000, onInteractionDone, ...opts.discord });
  try {
    bot = await start(plexus);
  } catch (e) {
    await discord.close();
    await plexus.close();
    throw e;
  }
  const where = (who: keyof typeof people, u: FakeUser = people[who]): Where => ({
    user: u,
    roles: roles[who],
    guildId: discord.guild.id,
    channelId: channel,
  });
  const finished = (id: string, timeoutMs = 8000) =>
    new Promise<void>((resolve, reject) => {
      const settle = (error: unknown) => (error === undefined ? resolve() : reject(error as Error));
      if (finishedIds.has(id)) return settle(finishedIds.get(id));
      const timer = setTimeout(
        () => reject(new Error(`interaction ${id} not handled in ${timeoutMs} ms (dropped by discord.js?)`)),
        timeoutMs,
      );
      waiting.set(id, (error) => {
        clearTimeout(timer);
        settle(error);
      });
    });
  const sent = (id: string): Sent[] =>
    discord.callsOf(id).flatMap((c): Sent[] => {
      const body = (c.body ?? {}) as Json;
      const stored = c.messageId ? discord.rest.messages.get(c.messageId) : undefined;
      const eph = stored
        ? (stored.flags & EPHEMERAL) !== 0
        : (Number((body.data as Json | undefined)?.flags ?? body.flags ?? 0) & EPHEMERAL) !== 0;
      const common = { files: c.files, status: c.status, problems: c.problems, ...(c.messageId ? { messageId: c.messageId } : {}) };
      if (c.path.endsWith('/callback')) {
        const data = (body.data ?? {}) as Json;
        const via = ({ 4: 'reply', 5: 'defer', 6: 'defer-update', 7: 'update', 8: 'choices' } as const)[
          Number(body.type) as 4 | 5 | 6 | 7 | 8
        ];
        if (!via) return [];
        return [{ via, ephemeral: eph, body: data, text: messageText(data), ...common }];
      }
      if (c.method === 'PATCH') return [{ via: 'edit', ephemeral: eph, body, text: messageText(body), ...common }];
      if (c.method === 'POST') return [{ via: 'followup', ephemeral: eph, body, text: messageText(body), ...common }];
      return [];
    });
  const h: DiscordHarness = {
    discord,
    plexus,
    bot,
    config,
    finished,
    sent,
    async slash(w, path, options = [], resolved) {
      const p = discord.interact(slashCommand(discord.applicationId, discord.commandId, w, path, options, resolved));
      await finished(p.id);
      return { id: p.id, sent: sent(p.id) };
    },
    at: (who) => where(who),
    dm: (who) => ({ user: people[who], channelId: `7${people[who].id.slice(1)}` }),
    fresh() {
      freshFake(plexus.fake);
      plexus.clock.reset();
    },
    async restart() {
      await h.bot.stop();
      if (h.plexus !== first) await h.plexus.close();
      h.plexus = plexus = await wire({ fake: first.fake, clock: first.clock });
      h.bot = bot = await start(plexus);
    },
    async close() {
      await h.bot.stop();
      await discord.close();
      if (h.plexus !== first) await h.plexus.close();
      await first.close();
    },
  };
  return h;
}
