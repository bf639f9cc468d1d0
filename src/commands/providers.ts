import { args, flag, word } from '../core/args.js';
import { defineCommand, type RunContext } from '../core/command.js';
import { mgmtPath, slug } from '../plexus/path.js';
import * as S from '../plexus/schemas.js';
import { DASH } from '../render/format.js';
import { maskDeep } from '../render/mask.js';
import { context, fields, reply, table, text } from '../render/reply.js';
import { jsonReply } from './json-reply.js';

const PROVIDERS = mgmtPath('providers');
const COOLDOWNS = mgmtPath('cooldowns');
const ALIASES = mgmtPath('aliases');
const providerPath = (s: string) => mgmtPath('providers', slug(s));

function baseHost(url: S.Provider['api_base_url']): string {
  const first = typeof url === 'string' ? url : url && typeof url === 'object' ? Object.values(url).find((v) => typeof v === 'string') : undefined;
  if (typeof first !== 'string') return DASH;
  try {
    return new URL(first).host;
  } catch {
    return first.slice(0, 40);
  }
}

const modelCount = (m: S.Provider['models']): number => (Array.isArray(m) ? m.length : m && typeof m === 'object' ? Object.keys(m).length : 0);

async function getProvider(ctx: RunContext<{ slug: string }>) {
  return ctx.deps.plexus.request('GET', providerPath(ctx.args.slug), { schema: S.providerConfigSchema });
}

/** Alias targets (alias → group → target) that name this provider. */
async function targetsOf(ctx: RunContext<{ slug: string }>): Promise<string[]> {
  const aliases = await ctx.deps.plexus.request('GET', ALIASES, { schema: S.aliasListSchema });
  return aliases.flatMap((a) =>
    (a.target_groups ?? []).flatMap((g) => (g.targets ?? []).filter((t) => t.provider === ctx.args.slug).map((t) => `${a.name} → ${t.provider}/${t.model}`)),
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
              list.map((p) => [p.name, p.enabled === false ? 'no' : 'yes', baseHost(p.api_base_url), String(modelCount(p.models)), cooling.has(p.name) ? 'in cooldown' : DASH]),
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
          { label: `Models (${models.length})`, value: models.slice(0, 20).join(', ') + (models.length > 20 ? `, … ${models.length - 20} more` : '') || DASH },
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
        return reply({ title: `Provider ${ctx.args.slug}`, blocks: [text(`\`${ctx.args.slug}\` is already ${enabled ? 'enabled' : 'disabled'}; nothing changed.`)] });
      }
      await ctx.deps.plexus.request('PATCH', providerPath(ctx.args.slug), { body: { enabled }, schema: S.successSchema });
      return reply({
        title: `Provider ${ctx.args.slug} ${enabled ? 'enabled' : 'disabled'}`,
        severity: 'success',
        blocks: [text(`enabled: ${was ? 'yes' : 'no'} → ${enabled ? 'yes' : 'no'}`), context(`by ${ctx.actor.displayName ?? ctx.actor.userId}`)],
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
    const lost = [`Provider \`${ctx.args.slug}\` (${p.display_name ?? ctx.args.slug}, ${modelCount(p.models)} models) and its API key will be deleted.`];
    if (targets.length === 0) lost.push('No alias target points at it.');
    else if (ctx.args.cascade) lost.push(`--cascade: ${targets.length} alias target${targets.length === 1 ? '' : 's'} will be removed too: ${targets.join(', ')}.`);
    else lost.push(`${targets.length} alias target${targets.length === 1 ? '' : 's'} will be left pointing at a missing provider (use --cascade to remove them): ${targets.join(', ')}.`);
    return lost;
  },
  run: async (ctx) => {
    await ctx.deps.plexus.request('DELETE', providerPath(ctx.args.slug), { query: { cascade: ctx.args.cascade ? 'true' : undefined } });
    return reply({
      title: `Provider ${ctx.args.slug} deleted`,
      severity: 'success',
      blocks: [text(ctx.args.cascade ? 'Alias targets pointing at it were removed.' : 'Alias targets pointing at it, if any, were left in place.'), context(`by ${ctx.actor.displayName ?? ctx.actor.userId}`)],
    });
  },
});

export const providerCommands = [providersList, providersGet, providersEnable, providersDisable, providersDelete];
