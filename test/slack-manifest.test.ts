/**
 * manifest.yml against what the Slack adapter really does: the Web API
 * methods in its source and those it calls while running representative
 * flows against the fakes must each be covered by a requested bot scope,
 * and no scope may be requested without a use.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { reply, text } from '../src/render/reply.js';
import { ALICE, OPS, SIGNING_SECRET, startSlackHarness, type SlackHarness } from './fakes/slack-harness.js';
import type { HookPost } from './fakes/slack-api.js';
import { postSigned, slashCommandFields } from './fakes/slack-signer.js';
import { repoRoot } from './support/samples.js';

/**
 * The bot scope each Web API method needs (docs.slack.dev/reference/methods/<method>), null when none.
 * A method missing here fails the test: look its scope up and add it, and the scope to manifest.yml.
 */
const SCOPE_OF: Record<string, string | null> = {
  'auth.test': null,
  'chat.postMessage': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'chat.update': 'chat:write',
  'chat.delete': 'chat:write',
  'usergroups.list': 'usergroups:read',
  'usergroups.users.list': 'usergroups:read',
  // A DM with one person; mpim:write would be for several.
  'conversations.open': 'im:write',
  'files.getUploadURLExternal': 'files:write',
  'files.completeUploadExternal': 'files:write',
  'files.info': 'files:read',
  'users.info': 'users:read',
};
/** The scope each subscribed bot event needs. */
const EVENT_SCOPE: Record<string, string> = { 'message.im': 'im:history' };

const CLIENT_CALL = /\bclient\.((?:[a-z]+\.)+[a-zA-Z]+)\(/g;
const NAMED_CALL = /\b(?:apiCall|paginate)\(\s*['"`]([\w.]+)['"`]/g;

interface Manifest {
  features: { slash_commands?: { command: string; usage_hint?: string; url?: string }[] };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    interactivity?: { is_enabled?: boolean; request_url?: string };
    socket_mode_enabled?: boolean;
    event_subscriptions?: { bot_events?: string[] };
  };
}
const manifest = parse(readFileSync(join(repoRoot, 'manifest.yml'), 'utf8')) as Manifest;
const botScopes = new Set(manifest.oauth_config.scopes.bot);
const botEvents = manifest.settings.event_subscriptions?.bot_events ?? [];

const sourceDir = join(repoRoot, 'adapters/slack');
const source = readdirSync(sourceDir, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts'))
  .map((f) => readFileSync(join(sourceDir, f), 'utf8'))
  .join('\n');

function sourceMethods(): Set<string> {
  const out = new Set<string>();
  for (const m of source.matchAll(CLIENT_CALL)) out.add(m[1]!);
  for (const m of source.matchAll(NAMED_CALL)) out.add(m[1]!);
  // The WebClient's upload helper: files.getUploadURLExternal, the bytes, files.completeUploadExternal.
  if (/\bfilesUploadV2\(/.test(source)) for (const x of ['files.getUploadURLExternal', 'files.completeUploadExternal']) out.add(x);
  if (/\bsay\(/.test(source)) out.add('chat.postMessage');
  return out;
}

/** Scopes used by something other than a Web API call, each with the evidence in the source. */
const nonMethodScopes = (): Set<string> => {
  const out = new Set<string>();
  if ((manifest.features.slash_commands ?? []).length > 0 && /\.command\(/.test(source)) out.add('commands');
  // Files users share are fetched from url_private with the bot token.
  if (/url_private/.test(source)) out.add('files:read');
  if (/\.event\(\s*'message'/.test(source)) for (const e of botEvents) if (EVENT_SCOPE[e]) out.add(EVENT_SCOPE[e]);
  return out;
};

const CAROL = 'U0CAROL';
const access = [
  { platform: 'slack' as const, channels: [OPS, 'dm'], users: [ALICE], tier: 'destructive' as const },
  { platform: 'slack' as const, channels: [OPS], groups: ['S0PLATFORM'], tier: 'write' as const },
];
const said = (p: HookPost | undefined) => JSON.stringify(p?.body ?? {});

let h: SlackHarness;
const called = new Set<string>();
const seen: Record<string, string> = {};

beforeAll(async () => {
  h = await startSlackHarness({ access });
  h.slack.usergroups.push({ id: 'S0PLATFORM', handle: 'platform', users: [CAROL] });

  // A read, answered to the requester.
  const read = await h.command('cooldowns list');
  seen.read = said((await h.waitPosts(read.hook))[0]);

  // A write allowed through a user group (usergroups.list), posted for the channel.
  const write = await h.command('providers disable groq', { user: CAROL });
  const posted = (await h.waitPosts(write.hook))[0];
  seen.write = `${posted?.body.response_type} ${said(posted)}`;

  // A destructive command confirmed with a click.
  const ask = await h.command('keys delete alice-dev');
  const confirm = said((await h.waitPosts(ask.hook))[0]).match(/confirm:[\w-]+/)?.[0] ?? 'confirm:missing';
  const click = await h.click(confirm);
  seen.confirm = said((await h.waitPosts(click.hook, 2))[0]);

  // A private file: to the requester's DM (conversations.open + the external upload).
  const exp = await h.command('config export');
  seen.export = said((await h.waitPosts(exp.hook))[0]);

  // A command line sent in the bot's DM, with a shared file (downloaded with the bot token).
  const file = h.slack.addFile('notes.txt', Buffer.from('hello'), 'text/plain');
  await h.dm('whoami', { files: [file] });
  seen.dm = JSON.stringify(
    await h.slack.waitFor(() => h.slack.callsTo('chat.postMessage').find((c) => String(c.args.channel).startsWith('D'))?.args),
  );

  // A response_url Slack no longer accepts: the answer falls back to the Web API.
  const gone = new URLSearchParams(
    slashCommandFields({ text: 'whoami', user: ALICE, channel: OPS, responseUrl: `${h.slack.url}/hooks/hook-expired` }),
  ).toString();
  await postSigned(h.eventsUrl, SIGNING_SECRET, gone);
  await h.slack.waitFor(() => h.slack.callsTo('chat.postEphemeral').length > 0);

  // An alert posted to a channel and updated in place (watch).
  const alert = await h.handle.poster.post(OPS, reply({ title: 'Quota at 90%', blocks: [text('monthly-cost is at 90%.')] }));
  await h.handle.poster.update(OPS, alert.messageId, reply({ title: 'Quota at 95%', blocks: [text('monthly-cost is at 95%.')] }));

  for (const c of h.slack.calls) called.add(c.method);
}, 20_000);
afterAll(() => h?.close());

describe('manifest.yml', () => {
  it('parses, names the /plexus slash command and has interactivity on', () => {
    const plexus = manifest.features.slash_commands?.find((c) => c.command === '/plexus');
    expect(plexus?.usage_hint).toBeTruthy();
    expect(plexus?.url).toMatch(/\/slack\/events$/);
    expect(manifest.settings.interactivity?.is_enabled).toBe(true);
    expect(manifest.settings.interactivity?.request_url).toMatch(/\/slack\/events$/);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  it('ran the representative flows for real', () => {
    expect(seen.read).toContain('groq');
    expect(seen.write).toMatch(/^in_channel .*enabled: yes → no/);
    expect(seen.confirm).toContain('alice-dev');
    expect(seen.export).toContain('direct messages');
    expect(seen.dm).toContain('direct messages');
    expect(seen.dm).not.toContain('File problem');
    expect(h.slack.uploads.some((u) => u.channel === `D${ALICE.slice(1)}` && u.content.length > 0)).toBe(true);
    for (const m of [
      'auth.test',
      'usergroups.list',
      'conversations.open',
      'files.getUploadURLExternal',
      'files.completeUploadExternal',
      'chat.postMessage',
      'chat.postEphemeral',
      'chat.update',
    ]) {
      expect(called.has(m), `${m} was not called by the flows`).toBe(true);
    }
  });

  it('covers with a bot scope every Web API method the adapter calls, in its source and in use', () => {
    const inSource = sourceMethods();
    expect(inSource.size, 'no Web API call found in adapters/slack: the source scan is broken').toBeGreaterThan(3);
    for (const m of new Set([...inSource, ...called])) {
      expect(Object.hasOwn(SCOPE_OF, m), `${m} is not in the reviewed method → scope table`).toBe(true);
      const scope = SCOPE_OF[m];
      if (scope) expect(botScopes.has(scope), `${m} needs the ${scope} scope`).toBe(true);
    }
    for (const e of botEvents) {
      expect(Object.hasOwn(EVENT_SCOPE, e), `bot event ${e} is not in the reviewed event → scope table`).toBe(true);
      expect(botScopes.has(EVENT_SCOPE[e]!), `bot event ${e} needs the ${EVENT_SCOPE[e]} scope`).toBe(true);
    }
    expect(botScopes.has('commands'), 'the slash command needs the commands scope').toBe(true);
  });

  it('asks for no scope the code does not use', () => {
    const methods = new Set([...sourceMethods(), ...called]);
    const used = new Set([...[...methods].map((m) => SCOPE_OF[m]).filter((s): s is string => !!s), ...nonMethodScopes()]);
    expect([...botScopes].filter((s) => !used.has(s))).toEqual([]);
  });
});
