import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ALICE, OPS } from './fakes/slack-harness.js';
import { startSlackHarness, type SlackHarness } from './fakes/slack-harness.js';
import { repoRoot } from './support/samples.js';

/** The bot scope each Web API method needs (api.slack.com/methods). A method missing here fails the test: review it first. */
const SCOPE_OF: Record<string, string | null> = {
  'auth.test': null,
  'chat.postMessage': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'chat.update': 'chat:write',
  'usergroups.list': 'usergroups:read',
  'conversations.open': 'im:write',
  'files.getUploadURLExternal': 'files:write',
  'files.completeUploadExternal': 'files:write',
  'files.info': 'files:read',
};
/** Scopes needed by something other than a Web API call. */
const NON_METHOD_SCOPES: Record<string, string> = {
  commands: 'the /plexus slash command',
  'files:read': 'downloading url_private of a backup shared with the bot',
  'im:history': 'the message.im event (command lines and files sent in the DM)',
};
const CLIENT_CALL = /client\.([a-z]+)\.([a-zA-Z]+)\(/g;
const V2_UPLOAD = /filesUploadV2/;

const manifest = parse(readFileSync(join(repoRoot, 'manifest.yml'), 'utf8')) as {
  features: { slash_commands: { command: string; usage_hint?: string; url?: string }[]; bot_user?: unknown };
  oauth_config: { scopes: { bot: string[] } };
  settings: { interactivity: { is_enabled: boolean }; socket_mode_enabled: boolean; event_subscriptions?: { bot_events?: string[] } };
};
const botScopes = new Set(manifest.oauth_config.scopes.bot);

function sourceMethods(): Set<string> {
  const dir = join(repoRoot, 'adapters/slack');
  const out = new Set<string>();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
    const src = readFileSync(join(dir, f), 'utf8');
    for (const m of src.matchAll(CLIENT_CALL)) out.add(`${m[1]}.${m[2]}`);
    if (V2_UPLOAD.test(src)) ['files.getUploadURLExternal', 'files.completeUploadExternal'].forEach((x) => out.add(x));
  }
  return out;
}

let h: SlackHarness;
const called = new Set<string>();
beforeAll(async () => {
  h = await startSlackHarness();
  // Representative flows: a read, a public write, a confirmation click, a private file, user groups.
  const read = await h.command('cooldowns list');
  await h.waitPosts(read.hook, 1);
  const write = await h.command('providers disable groq', { user: ALICE, channel: OPS });
  await h.slack.waitFor(() => h.slack.callsTo('chat.postMessage').length > 0 || h.posts(write.hook).length > 0);
  const ask = await h.command('keys delete alice-dev', { user: ALICE, channel: OPS });
  const prompt = await h.waitPosts(ask.hook, 1);
  const id = JSON.stringify(prompt[0]!.body).match(/confirm:[\w-]+/)?.[0];
  if (id) await h.click(id, { user: ALICE, channel: OPS, ephemeral: true });
  await h.command('config export', { user: ALICE, channel: OPS });
  await h.slack.waitFor(() => h.slack.callsTo('files.completeUploadExternal').length > 0, 10_000);
  for (const c of h.slack.calls) called.add(c.method);
}, 30_000);
afterAll(() => h.close());

describe('manifest.yml', () => {
  it('names the /plexus slash command, interactivity on, Socket Mode off by default', () => {
    const plexus = manifest.features.slash_commands.find((c) => c.command === '/plexus');
    expect(plexus?.usage_hint).toBeTruthy();
    expect(plexus?.url).toMatch(/\/slack\/events$/);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  it('covers with a bot scope every Web API method the adapter calls, in its source and in use', () => {
    const methods = new Set([...sourceMethods(), ...called]);
    for (const m of ['usergroups.list', 'conversations.open', 'files.completeUploadExternal']) expect(called.has(m), `${m} was not exercised`).toBe(true);
    for (const m of methods) {
      expect(Object.hasOwn(SCOPE_OF, m), `${m} is not in the reviewed method → scope table`).toBe(true);
      const scope = SCOPE_OF[m];
      if (scope) expect(botScopes.has(scope), `${m} needs ${scope}`).toBe(true);
    }
  });

  it('asks for no scope the code does not use', () => {
    const used = new Set([...Object.values(SCOPE_OF).filter((s): s is string => s !== null), ...Object.keys(NON_METHOD_SCOPES)]);
    for (const s of botScopes) expect(used.has(s), `${s} is requested but not used`).toBe(true);
  });
});
