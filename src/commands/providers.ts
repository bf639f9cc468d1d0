import { z } from 'zod';
import { args, bool, flag, int, list, word } from '../core/args.js';
import { defineCommand, type RunContext } from '../core/command.js';
import { BotError } from '../base/errors.js';
import { mgmtPath, slug } from '../plexus/path.js';
import * as S from '../plexus/schemas.js';
import { DASH } from '../render/format.js';
import { maskDeep, maskSecret } from '../render/mask.js';
import { context, fields, reply, table, text } from '../render/reply.js';
import { carriesSecret, mergeDotted, openArgs, type FieldSpec } from './body-args.js';
import { byActor } from './changes.js';
import { diffBlock } from './diff.js';
import { jsonReply } from './json-reply.js';
import { providersFetchModels } from './provider-models.js';
import { patchRecord, setRecord } from './record-write.js';

const PROVIDERS = mgmtPath('providers');
const COOLDOWNS = mgmtPath('cooldowns');
const ALIASES = mgmtPath('aliases');
const providerPath = (s: string) => mgmtPath('providers', slug(s));

function baseHost(url: S.Provider['api_base_url']): string {
  const first =
    typeof url === 'string' ? url : url && typeof url === 'object' ? Object.values(url).find((v) => typeof v === 'string') : undefined;
  if (typeof first !== 'string') return DASH;
  try {
    return new URL(first).host;
  } catch {
    return first.slice(0, 40);
  }
}

const modelCount = (m: S.Provider['models']): number =>
  Array.isArray(m) ? m.length : m && typeof m === 'object' ? Object.keys(m).length : 0;

async function getProvider(ctx: RunContext<{ slug: string }>) {
  return ctx.deps.plexus.request('GET', providerPath(ctx.args.slug), { schema: S.providerConfigSchema });
}

/** Alias targets (alias → group → target) that name this provider. */
async function targetsOf(ctx: RunContext<{ slug: string }>): Promise<string[]> {
  const aliases = await ctx.deps.plexus.request('GET', ALIASES, { schema: S.aliasListSchema });
  return aliases.flatMap((a) =>
    (a.target_groups ?? []).flatMap((g) =>
      (g.targets ?? []).filter((t) => t.provider === ctx.args.slug).map((t) => `${a.name} → ${t.provider}/${t.model}`),
    ),
  );
}

export const providersList = defineCommand({
  words: ['providers', 'list'],
  summary: 'List providers with their state.',
  example: 'providers list',
  tier: 'read',
  args: args({}),
  calls: [
    { method: 'GET', path: PROVIDERS },
    { method: 'GET', path: COOLDOWNS },
  ],
  run: async (ctx) => {
    const [map, cooldowns] = await Promise.all([
      ctx.deps.plexus.request('GET', PROVIDERS, { schema: S.providerListSchema }),
      ctx.deps.plexus.request('GET', COOLDOWNS, { schema: S.cooldownListSchema }),
    ]);
    const list = map;
    if (ctx.json) return jsonReply('Providers', map);
    const cooling = new Set(cooldowns.map((c) => c.provider));
    return reply({
      title: `Providers (${list.length})`,
      blocks: list.length
        ? [
            table(
              ['slug', 'enabled', 'API base', { header: 'models', align: 'right' }, 'cooldown'],
              list.map((p) => [
                p.name,
                p.enabled === false ? 'no' : 'yes',
                baseHost(p.api_base_url),
                String(modelCount(p.models)),
                cooling.has(p.name) ? 'in cooldown' : DASH,
              ]),
            ),
          ]
        : [text('No providers are configured.')],
    });
  },
});

export const providersGet = defineCommand({
  words: ['providers', 'get'],
  summary: 'Show one provider (API key masked).',
  usage: '<slug>',
  example: 'providers get openai',
  tier: 'read',
  positional: ['slug'],
  args: args({ slug: word('<slug>') }),
  calls: [{ method: 'GET', path: mgmtPath('providers', '{slug}') }],
  run: async (ctx) => {
    const p = await getProvider(ctx);
    const masked = maskDeep(p) as Record<string, unknown>;
    if (ctx.json) return jsonReply(`Provider ${ctx.args.slug}`, p);
    const models = Array.isArray(p.models) ? p.models.map(String) : Object.keys(p.models ?? {});
    return reply({
      title: `Provider ${ctx.args.slug}`,
      blocks: [
        fields([
          { label: 'Name', value: p.display_name ?? ctx.args.slug },
          { label: 'Enabled', value: p.enabled === false ? 'no' : 'yes' },
          { label: 'API base', value: typeof p.api_base_url === 'string' ? p.api_base_url : JSON.stringify(p.api_base_url ?? DASH) },
          { label: 'API key', value: typeof masked.api_key === 'string' ? masked.api_key : DASH },
          {
            label: `Models (${models.length})`,
            value: models.slice(0, 20).join(', ') + (models.length > 20 ? `, … ${models.length - 20} more` : '') || DASH,
          },
          { label: 'Quota checker', value: p.quota_checker ? `${p.quota_checker.type ?? '?'} (${p.quota_checker.id ?? 'no id'})` : DASH },
        ]),
        context('`--json` shows every field (secrets masked).'),
      ],
    });
  },
});

function toggle(enabled: boolean) {
  const verb = enabled ? 'enable' : 'disable';
  return defineCommand({
    words: ['providers', verb],
    summary: `${enabled ? 'Enable' : 'Disable'} a provider${enabled ? '' : ' (routing stops sending it traffic)'}.`,
    usage: '<slug>',
    example: `providers ${verb} openai`,
    tier: 'write',
    positional: ['slug'],
    args: args({ slug: word('<slug>') }),
    calls: [
      { method: 'GET', path: mgmtPath('providers', '{slug}') },
      { method: 'PATCH', path: mgmtPath('providers', '{slug}') },
    ],
    run: async (ctx) => {
      const before = await getProvider(ctx);
      const was = before.enabled !== false;
      if (was === enabled) {
        return reply({
          title: `Provider ${ctx.args.slug}`,
          blocks: [text(`\`${ctx.args.slug}\` is already ${enabled ? 'enabled' : 'disabled'}; nothing changed.`)],
        });
      }
      await ctx.deps.plexus.request('PATCH', providerPath(ctx.args.slug), { body: { enabled }, schema: S.successSchema });
      return reply({
        title: `Provider ${ctx.args.slug} ${enabled ? 'enabled' : 'disabled'}`,
        severity: 'success',
        blocks: [text(`enabled: ${was ? 'yes' : 'no'} → ${enabled ? 'yes' : 'no'}`), byActor(ctx.actor)],
      });
    },
  });
}

export const providersEnable = toggle(true);
export const providersDisable = toggle(false);

export const providersDelete = defineCommand({
  words: ['providers', 'delete'],
  summary: 'Delete a provider; with --cascade also remove the alias targets that point at it.',
  usage: '<slug> [--cascade]',
  example: 'providers delete openai --cascade',
  tier: 'destructive',
  positional: ['slug'],
  args: args({ slug: word('<slug>'), cascade: flag() }),
  calls: [
    { method: 'GET', path: mgmtPath('providers', '{slug}') },
    { method: 'GET', path: ALIASES },
    { method: 'DELETE', path: mgmtPath('providers', '{slug}') },
  ],
  describeRisk: async (ctx) => {
    const p = await getProvider(ctx);
    const targets = await targetsOf(ctx);
    const lost = [
      `Provider \`${ctx.args.slug}\` (${p.display_name ?? ctx.args.slug}, ${modelCount(p.models)} models) and its API key will be deleted.`,
    ];
    if (targets.length === 0) lost.push('No alias target points at it.');
    else if (ctx.args.cascade)
      lost.push(`--cascade: ${targets.length} alias target${targets.length === 1 ? '' : 's'} will be removed too: ${targets.join(', ')}.`);
    else
      lost.push(
        `${targets.length} alias target${targets.length === 1 ? '' : 's'} will be left pointing at a missing provider (use ` +
          `--cascade to remove them): ${targets.join(', ')}.`,
      );
    return { lines: lost };
  },
  run: async (ctx) => {
    await ctx.deps.plexus.request('DELETE', providerPath(ctx.args.slug), {
      query: { cascade: ctx.args.cascade ? 'true' : undefined },
      schema: S.successSchema,
    });
    return reply({
      title: `Provider ${ctx.args.slug} deleted`,
      severity: 'success',
      blocks: [
        text(ctx.args.cascade ? 'Alias targets pointing at it were removed.' : 'Alias targets pointing at it, if any, were left in place.'),
        byActor(ctx.actor),
      ],
    });
  },
});

const ONE = mgmtPath('providers', '{slug}');

/** Provider fields a person can give as name=value (anything else goes in the JSON body). */
const SPEC: FieldSpec = {
  display_name: z.string(),
  api_base_url: z.union([z.string().min(1, { error: 'expected a URL' }), z.record(z.string(), z.string())]),
  api_key: z.string().min(1, { error: 'expected the API key' }),
  enabled: bool(),
  disable_cooldown: bool(),
  stall_cooldown: bool(),
  allow_100_percent_utilization: bool(),
  estimateTokens: bool(),
  useClaudeMasking: bool(),
  gemini_thinking_enabled: bool(),
  auto_compat: bool(),
  models: z.union([list(), z.record(z.string(), z.unknown())]),
  'quota_checker.type': z.string().min(1),
  'quota_checker.enabled': bool(),
  'quota_checker.intervalMinutes': int({ min: 1 }),
  'quota_checker.id': z.string().min(1),
  'model_autosync.enabled': bool(),
  'model_autosync.intervalMinutes': int({ min: 1 }),
};

/** A new provider in a few lines (API key masked). */
function summary(p: S.ProviderConfig) {
  const models = S.providerModelNames(p);
  return fields([
    { label: 'Name', value: p.display_name ?? DASH },
    {
      label: 'API base',
      value:
        S.providerBaseUrls(p)
          .map((u) => (u.apiType ? `${u.apiType}: ${u.url}` : u.url))
          .join(', ') || DASH,
    },
    { label: 'API key', value: typeof p.api_key === 'string' ? maskSecret(p.api_key) : DASH },
    { label: 'Enabled', value: p.enabled === false ? 'no' : 'yes' },
    { label: `Models (${models.length})`, value: models.slice(0, 20).join(', ') + (models.length > 20 ? ', …' : '') || DASH },
  ]);
}

const SET_USAGE = 'providers set <slug> {"api_base_url":"https://…","api_key":"…","models":["…"]}';

export const providersSet = defineCommand({
  words: ['providers', 'set'],
  summary: 'Create or replace a provider from a JSON body (fields not given are reset to their defaults).',
  usage: '<slug> {json}',
  example:
    'providers set mistral {"api_base_url":"https://api.mistral.ai/v1","api_key":"mistral-example-key-0000",' +
    '"display_name":"Mistral","models":["mistral-large-latest"]}',
  tier: 'write',
  positional: ['slug'],
  args: openArgs({ slug: word('<slug>') }),
  fields: { spec: SPEC, usage: SET_USAGE },
  calls: [
    { method: 'GET', path: ONE },
    { method: 'PUT', path: ONE },
  ],
  run: async (ctx) => {
    const { body } = ctx.args.fields;
    if (Object.keys(body).length === 0)
      throw new BotError('INVALID_ARGS', '`providers set` needs the provider as a JSON body.', { hints: [`Usage: ${SET_USAGE}`] });
    return setRecord(ctx, {
      title: `Provider ${ctx.args.slug}`,
      read: () => getProvider(ctx),
      write: async () => {
        await ctx.deps.plexus.request('PUT', providerPath(ctx.args.slug), { body, schema: S.successSchema });
        return getProvider(ctx);
      },
      changed: (before, after) => [diffBlock(before, after)],
      created: (after) => [summary(after)],
      // The line carried a credential: keep the answer (and on Discord the invocation) with the requester.
      private: carriesSecret(body),
    });
  },
});

const PATCH_ARGS = `<slug> name=value... [{json}] (fields: ${Object.keys(SPEC).join(', ')})`;

export const providersPatch = defineCommand({
  words: ['providers', 'patch'],
  summary: 'Change some fields of a provider; dotted names reach into quota_checker and model_autosync.',
  usage: PATCH_ARGS,
  example: 'providers patch openrouter display_name="OpenRouter (shared)" quota_checker.intervalMinutes=30 stall_cooldown=true',
  tier: 'write',
  positional: ['slug'],
  args: openArgs({ slug: word('<slug>') }),
  fields: { spec: SPEC },
  calls: [
    { method: 'GET', path: ONE },
    { method: 'PATCH', path: ONE },
  ],
  run: async (ctx) => {
    const usage = `providers patch ${PATCH_ARGS}`;
    const collected = ctx.args.fields;
    if (Object.keys(collected.body).length === 0) {
      throw new BotError('INVALID_ARGS', '`providers patch`: nothing to change: give at least one field, e.g. display_name="OpenAI".', {
        hints: [`Usage: ${usage}`],
      });
    }
    return patchRecord(ctx, {
      title: `Provider ${ctx.args.slug}`,
      read: () => getProvider(ctx),
      write: async (before) => {
        const body = mergeDotted(before, collected);
        await ctx.deps.plexus.request('PATCH', providerPath(ctx.args.slug), { body, schema: S.successSchema });
        return getProvider(ctx);
      },
      changed: (before, after) => [diffBlock(before, after)],
      private: carriesSecret(collected.body),
    });
  },
});

export const providerCommands = [
  providersList,
  providersGet,
  providersSet,
  providersPatch,
  providersEnable,
  providersDisable,
  providersDelete,
  providersFetchModels,
];
