import { z } from 'zod';
import { args, bool, int, list, word } from '../core/args.js';
import { defineCommand, type RunContext } from '../core/command.js';
import { BotError } from '../base/errors.js';
import { isPlexusHttpError, PlexusHttpError } from '../plexus/errors.js';
import { orNull } from '../plexus/not-found.js';
import { mgmtPath } from '../plexus/path.js';
import * as S from '../plexus/schemas.js';
import { DASH } from '../render/format.js';
import { fields, reply, table, text, type Block } from '../render/reply.js';
import { mergeDotted, openArgs, type FieldSpec } from './body-args.js';
import { byActor, plural } from './changes.js';
import { diffBlock } from './diff.js';
import { jsonReply } from './json-reply.js';
import { pageFooter } from './paging.js';
import { patchRecord, setRecord } from './record-write.js';

const ALIASES = mgmtPath('aliases');
const ONE = mgmtPath('aliases', '{slug}');
const MODELS = mgmtPath('models');
const aliasPath = (slug: string) => mgmtPath('aliases', slug);

const SPEC: FieldSpec = {
  priority: z.enum(['selector', 'api_match'], { error: 'expected selector or api_match' }),
  use_image_fallthrough: bool(),
  enforce_limits: bool(),
  sticky_session: bool(),
  additional_aliases: list(),
};

const targetText = (t: S.AliasTarget & { alias?: unknown }): string =>
  `${typeof t.alias === 'string' ? `alias:${t.alias}` : `${t.provider ?? '?'}/${t.model ?? '?'}`}${t.enabled === false ? ' (off)' : ''}`;

const groupText = (g: S.AliasTargetGroup): string => `${g.selector ?? '?'}: ${g.targets.map(targetText).join(', ') || 'no targets'}`;

function flagsOf(a: S.AliasConfig): string {
  const f = [
    a.sticky_session ? 'sticky' : null,
    a.enforce_limits ? 'enforce limits' : null,
    a.use_image_fallthrough ? 'image fallthrough' : null,
    a.priority && a.priority !== 'selector' ? `priority ${a.priority}` : null,
    a.additional_aliases && a.additional_aliases.length > 0 ? `also ${a.additional_aliases.join(', ')}` : null,
  ].filter(Boolean);
  return f.join(', ') || DASH;
}

/** What a person compares between two versions of an alias: its settings, and each group as one line. */
function aliasView(a: S.AliasConfig): Record<string, unknown> {
  const v: Record<string, unknown> = {
    priority: a.priority ?? 'selector',
    sticky_session: a.sticky_session ?? null,
    enforce_limits: a.enforce_limits ?? null,
    use_image_fallthrough: a.use_image_fallthrough ?? null,
    additional_aliases: a.additional_aliases ?? [],
  };
  for (const g of a.target_groups) v[`group ${g.name ?? '?'}`] = groupText(g);
  return v;
}

const readAlias = (ctx: RunContext<unknown>, slug: string) =>
  ctx.deps.plexus.request('GET', aliasPath(slug), { schema: S.aliasConfigSchema });

/** Targets naming a provider Plexus does not have, or one that is disabled: requests would fail or skip them. */
async function targetWarnings(ctx: RunContext<unknown>, a: S.AliasConfig): Promise<Block[]> {
  const providers = await ctx.deps.plexus.request('GET', mgmtPath('providers'), { schema: S.providerListSchema });
  const byName = new Map(providers.map((p) => [p.name, p]));
  const lines = a.target_groups.flatMap((g) =>
    g.targets.flatMap((t) => {
      if (!t.provider) return [];
      const p = byName.get(t.provider);
      if (!p) return [`${t.provider}/${t.model ?? '?'}: no provider \`${t.provider}\` is configured`];
      if (p.enabled === false) return [`${t.provider}/${t.model ?? '?'}: provider \`${t.provider}\` is disabled`];
      return [];
    }),
  );
  return lines.length > 0 ? [text(`Check these targets:\n${lines.map((l) => `• ${l}`).join('\n')}`)] : [];
}

/** Plexus answers a cycle (an alias target leading back to the alias) with a bare 500: say what it most likely means. */
function explainAliasError(e: unknown, body: Record<string, unknown>): unknown {
  if (!isPlexusHttpError(e) || e.status !== 500 || !JSON.stringify(body).includes('"alias"')) return e;
  return new PlexusHttpError({
    status: e.status,
    method: e.method,
    path: e.path,
    message: `${e.message} (HTTP 500)`,
    details: e.details,
    hints: [
      'Plexus answers 500 when an `alias` target leads back to this alias (a cycle). Nothing was saved; point the target at a ' +
        'provider/model or at an alias that does not lead back here.',
    ],
    cause: e,
  });
}

async function writeAlias(ctx: RunContext<{ slug: string }>, method: 'PUT' | 'PATCH', body: Record<string, unknown>) {
  try {
    await ctx.deps.plexus.request(method, aliasPath(ctx.args.slug), { body, schema: S.successSchema });
  } catch (e) {
    throw explainAliasError(e, body);
  }
  return (await orNull(readAlias(ctx, ctx.args.slug))) ?? S.aliasConfigSchema.parse({});
}

export const aliasesList = defineCommand({
  words: ['aliases', 'list'],
  summary: 'List model aliases with their groups, targets and flags.',
  usage: '[limit= offset=]',
  example: 'aliases list',
  tier: 'read',
  args: args({ limit: int({ min: 1, max: 200 }).default(50), offset: int({ min: 0 }).default(0) }),
  calls: [{ method: 'GET', path: ALIASES }],
  run: async (ctx) => {
    const { limit, offset } = ctx.args;
    const all = await ctx.deps.plexus.request('GET', ALIASES, { schema: S.aliasListSchema });
    const shown = all.slice(offset, offset + limit);
    const footer = pageFooter(ctx.line, { limit, offset, shown: shown.length, total: all.length });
    if (ctx.json) {
      const out = jsonReply('Aliases', shown);
      out.blocks.push(footer);
      return out;
    }
    if (all.length === 0)
      return reply({ title: 'Aliases (0)', blocks: [text('No aliases are defined. `aliases set <slug> {json}` creates one.')] });
    return reply({
      title: `Aliases (${all.length})`,
      blocks: [
        // One row per target (alias and group named on their first row): target lists are too wide for one cell.
        table(
          ['alias', 'group (selector)', 'target (provider/model)', 'flags'],
          shown.flatMap((a) => {
            const rows = a.target_groups.flatMap((g) =>
              (g.targets.length > 0 ? g.targets : [null]).map((t, i) => [
                i === 0 ? `${g.name ?? '?'} (${g.selector ?? '?'})` : '',
                t ? targetText(t) : 'no targets',
              ]),
            );
            return (rows.length > 0 ? rows : [[DASH, 'no target groups']]).map(([group, target], i) => [
              i === 0 ? a.name : '',
              group ?? '',
              target ?? '',
              i === 0 ? flagsOf(a) : '',
            ]);
          }),
        ),
        footer,
      ],
    });
  },
});

export const aliasesGet = defineCommand({
  words: ['aliases', 'get'],
  summary: 'Show one alias: settings, and its groups with their targets in order.',
  usage: '<slug>',
  example: 'aliases get eu-gpt4o',
  tier: 'read',
  positional: ['slug'],
  args: args({ slug: word('<slug>') }),
  calls: [{ method: 'GET', path: ONE }],
  run: async (ctx) => {
    const a = await ctx.deps.plexus.request('GET', aliasPath(ctx.args.slug), { schema: S.aliasConfigSchema });
    if (ctx.json) return jsonReply(`Alias ${ctx.args.slug}`, a);
    return reply({
      title: `Alias ${ctx.args.slug}`,
      blocks: [
        fields([
          { label: 'Priority', value: a.priority ?? 'selector' },
          { label: 'Sticky session', value: a.sticky_session ? 'yes' : 'no' },
          { label: 'Enforce limits', value: a.enforce_limits ? 'yes' : 'no' },
          { label: 'Image fallthrough', value: a.use_image_fallthrough ? 'yes' : 'no' },
          { label: 'Also answers to', value: a.additional_aliases?.join(', ') || DASH },
        ]),
        a.target_groups.length > 0
          ? table(
              ['group', 'selector', 'target', 'enabled'],
              a.target_groups.flatMap((g) =>
                g.targets.map((t, i) => [
                  i === 0 ? (g.name ?? '?') : '',
                  i === 0 ? (g.selector ?? '?') : '',
                  targetText({ ...t, enabled: true }),
                  t.enabled === false ? 'no' : 'yes',
                ]),
              ),
            )
          : text('This alias has no target groups: requests for it fail.'),
      ],
    });
  },
});

const PATCH_ARGS =
  '<slug> [priority=selector|api_match sticky_session= enforce_limits= use_image_fallthrough= additional_aliases=a,b] [{json}]';
const SET_USAGE =
  'aliases set <slug> {"target_groups":[{"name":"default","selector":"in_order","targets":[{"provider":"…","model":"…"}]}]}';

export const aliasesSet = defineCommand({
  words: ['aliases', 'set'],
  summary: 'Create or replace an alias from a JSON body (fields not given are reset).',
  usage: '<slug> {json}',
  example:
    'aliases set coding {"target_groups":[{"name":"default","selector":"in_order","targets":' +
    '[{"provider":"anthropic","model":"claude-sonnet-4-5"},{"provider":"openai","model":"gpt-4o"}]}]}',
  tier: 'write',
  positional: ['slug'],
  args: openArgs({ slug: word('<slug>') }),
  fields: { spec: SPEC, usage: SET_USAGE },
  calls: [
    { method: 'GET', path: ONE },
    { method: 'PUT', path: ONE },
    { method: 'GET', path: mgmtPath('providers') },
  ],
  run: async (ctx) => {
    const { body } = ctx.args.fields;
    if (Object.keys(body).length === 0) {
      throw new BotError('INVALID_ARGS', '`aliases set` needs the alias as a JSON body.', { hints: [`Usage: ${SET_USAGE}`] });
    }
    return setRecord(ctx, {
      title: `Alias ${ctx.args.slug}`,
      read: () => readAlias(ctx, ctx.args.slug),
      write: () => writeAlias(ctx, 'PUT', body),
      changed: (before, after) => [diffBlock(aliasView(before), aliasView(after))],
      created: (after) => [text(after.target_groups.map((g) => `${g.name ?? '?'}: ${groupText(g)}`).join('\n') || 'No target groups.')],
      extra: (after) => targetWarnings(ctx, after),
    });
  },
});

export const aliasesPatch = defineCommand({
  words: ['aliases', 'patch'],
  summary: 'Change some fields of an alias (target_groups as JSON replaces all groups).',
  usage: PATCH_ARGS,
  example: 'aliases patch smart sticky_session=false',
  tier: 'write',
  positional: ['slug'],
  args: openArgs({ slug: word('<slug>') }),
  fields: { spec: SPEC },
  calls: [
    { method: 'GET', path: ONE },
    { method: 'PATCH', path: ONE },
    { method: 'GET', path: mgmtPath('providers') },
  ],
  run: async (ctx) => {
    const usage = `aliases patch ${PATCH_ARGS}`;
    const collected = ctx.args.fields;
    if (Object.keys(collected.body).length === 0) {
      throw new BotError('INVALID_ARGS', '`aliases patch`: nothing to change: give at least one field, e.g. sticky_session=false.', {
        hints: [`Usage: ${usage}`],
      });
    }
    return patchRecord(ctx, {
      title: `Alias ${ctx.args.slug}`,
      read: () => readAlias(ctx, ctx.args.slug),
      write: (before) => writeAlias(ctx, 'PATCH', mergeDotted(before, collected)),
      changed: (before, after) => [diffBlock(aliasView(before), aliasView(after))],
      extra: (after) => targetWarnings(ctx, after),
    });
  },
});

const targetCount = (a: S.AliasConfig) => a.target_groups.reduce((n, g) => n + g.targets.length, 0);

export const aliasesDelete = defineCommand({
  words: ['aliases', 'delete'],
  summary: 'Delete an alias: requests for it fail from then on.',
  usage: '<aliasId>',
  example: 'aliases delete cheap',
  tier: 'destructive',
  positional: ['aliasId'],
  args: args({ aliasId: word('<aliasId>') }),
  calls: [
    { method: 'GET', path: ONE },
    { method: 'DELETE', path: mgmtPath('models', '{aliasId}') },
  ],
  describeRisk: async (ctx) => {
    const a = await ctx.deps.plexus.request('GET', aliasPath(ctx.args.aliasId), { schema: S.aliasConfigSchema });
    return {
      lines: [
        `Alias \`${ctx.args.aliasId}\` will be deleted, with ${plural(a.target_groups.length, 'group')} and ` +
          `${plural(targetCount(a), 'target')}: ${a.target_groups.map(groupText).join(' | ') || 'none'}.`,
        `Requests for model \`${ctx.args.aliasId}\`${a.additional_aliases?.length ? ` (and ${a.additional_aliases.join(', ')})` : ''} ` +
          'fail from then on. Providers are not touched.',
      ],
    };
  },
  run: async (ctx) => {
    await ctx.deps.plexus.request('DELETE', mgmtPath('models', ctx.args.aliasId), { schema: S.successSchema });
    return reply({ title: `Alias ${ctx.args.aliasId} deleted`, severity: 'success', blocks: [byActor(ctx.actor)] });
  },
});

export const aliasesDeleteAll = defineCommand({
  words: ['aliases', 'delete-all'],
  summary: 'Delete every alias: only direct provider/model requests keep working.',
  example: 'aliases delete-all',
  tier: 'destructive',
  args: args({}),
  calls: [
    { method: 'GET', path: ALIASES },
    { method: 'DELETE', path: MODELS },
  ],
  describeRisk: async (ctx) => {
    const all = await ctx.deps.plexus.request('GET', ALIASES, { schema: S.aliasListSchema });
    if (all.length === 0) return { lines: ['There are no aliases: nothing will be lost.'] };
    return {
      lines: [
        `All ${plural(all.length, 'alias', 'aliases')} will be deleted: ${all.map((a) => a.name).join(', ')}. ` +
          'Requests naming them fail from then on.',
      ],
    };
  },
  run: async (ctx) => {
    const res = await ctx.deps.plexus.request('DELETE', MODELS, { schema: S.successSchema });
    const n = res.deletedCount;
    return reply({
      title: 'All aliases deleted',
      severity: 'success',
      blocks: [text(n == null ? 'Plexus did not say how many went.' : `${plural(n, 'alias', 'aliases')} deleted.`), byActor(ctx.actor)],
    });
  },
});

export const aliasCommands = [aliasesList, aliasesGet, aliasesSet, aliasesPatch, aliasesDelete, aliasesDeleteAll];
