import { z } from 'zod';
import { args, list } from '../core/args.js';
import { defineCommand, type ApiCall } from '../core/command.js';
import { mgmtPath } from '../plexus/path.js';
import * as S from '../plexus/schemas.js';
import type { PlexusApi } from '../base/plexus-api.js';
import { formatNumber } from '../render/format.js';
import { context, fields, reply, text } from '../render/reply.js';
import { byActor } from './changes.js';
import { jsonReply } from './json-reply.js';

const LEVEL = mgmtPath('logging', 'level');
const MODULES = mgmtPath('logging', 'modules');
const RESET = mgmtPath('logs', 'reset');

/** Plexus' (winston) levels, most to least severe. */
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug', 'verbose', 'silly'] as const;

const levelArg = z.preprocess(
  (v) => (typeof v === 'string' ? v.toLowerCase() : v),
  z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` }),
);
const ephemeralNote = (l: S.LoggingLevel) =>
  context(
    `In memory only: Plexus starts at ${l.startupLevel ?? 'its startup level'} again after a restart. \`logging reset\` goes back now.`,
  );
const moduleText = (m: readonly string[]) => (m.length > 0 ? m.join(', ') : 'all modules (no filter)');

export const loggingLevel = defineCommand({
  words: ['logging', 'level'],
  summary: "Show Plexus' log level, or change it (until restart).",
  usage: `[${LOG_LEVELS.join('|')}]`,
  example: 'logging level debug',
  tier: 'read',
  tierFor: ({ args: a }) => (a.level === undefined ? 'read' : 'write'),
  positional: ['level'],
  args: args({ level: levelArg.optional() }),
  calls: [
    { method: 'GET', path: LEVEL },
    { method: 'PUT', path: LEVEL, tier: 'write' },
  ],
  run: async (ctx) => {
    const before = await ctx.deps.plexus.request('GET', LEVEL, { schema: S.loggingLevelSchema });
    if (ctx.args.level === undefined) {
      if (ctx.json) return jsonReply('Log level', before);
      return reply({
        title: 'Log level',
        blocks: [
          fields([
            { label: 'Level', value: before.level },
            { label: 'At startup', value: before.startupLevel ?? '—' },
            { label: 'Levels', value: (before.supportedLevels ?? [...LOG_LEVELS]).join(', ') },
          ]),
        ],
      });
    }
    const after = await ctx.deps.plexus.request('PUT', LEVEL, { body: { level: ctx.args.level }, schema: S.loggingLevelSchema });
    return reply({
      title: 'Log level changed',
      severity: 'success',
      blocks: [
        text(before.level === after.level ? `level: ${after.level} (unchanged)` : `level: ${before.level} → ${after.level}`),
        ephemeralNote(after),
        byActor(ctx.actor),
      ],
    });
  },
});

export const loggingReset = defineCommand({
  words: ['logging', 'reset'],
  summary: 'Put the log level back to the one Plexus started with.',
  example: 'logging reset',
  tier: 'write',
  args: args({}),
  calls: [
    { method: 'GET', path: LEVEL },
    { method: 'DELETE', path: LEVEL },
  ],
  run: async (ctx) => {
    const before = await ctx.deps.plexus.request('GET', LEVEL, { schema: S.loggingLevelSchema });
    const after = await ctx.deps.plexus.request('DELETE', LEVEL, { schema: S.loggingLevelSchema });
    return reply({
      title: 'Log level reset',
      severity: 'success',
      blocks: [
        text(
          before.level === after.level
            ? `level: ${after.level} (already the startup level)`
            : `level: ${before.level} → ${after.level} (startup level)`,
        ),
        byActor(ctx.actor),
      ],
    });
  },
});

export const loggingModules = defineCommand({
  words: ['logging', 'modules'],
  summary: 'Show the module filter of Plexus logs, or set it (only these modules log).',
  usage: '[modules=a,b | {"modules":[…]}]',
  example: 'logging modules modules=router,cooldown-manager',
  tier: 'read',
  tierFor: ({ args: a }) => (a.modules === undefined ? 'read' : 'write'),
  args: args({ modules: list().optional() }),
  calls: [
    { method: 'GET', path: MODULES },
    { method: 'PUT', path: MODULES, tier: 'write' },
  ],
  run: async (ctx) => {
    const before = await ctx.deps.plexus.request('GET', MODULES, { schema: S.loggingModulesSchema });
    if (ctx.args.modules === undefined) {
      if (ctx.json) return jsonReply('Log modules', before);
      return reply({
        title: 'Log module filter',
        blocks: [
          text(moduleText(before.modules)),
          context('Set it with `logging modules modules=router,cooldown-manager`; `logging modules clear` removes it.'),
        ],
      });
    }
    const after = await ctx.deps.plexus.request('PUT', MODULES, { body: { modules: ctx.args.modules }, schema: S.loggingModulesSchema });
    return reply({
      title: 'Log module filter changed',
      severity: 'success',
      blocks: [text(`modules: ${moduleText(before.modules)} → ${moduleText(after.modules)}`), byActor(ctx.actor)],
    });
  },
});

export const loggingModulesClear = defineCommand({
  words: ['logging', 'modules', 'clear'],
  summary: 'Remove the module filter: every module logs again.',
  example: 'logging modules clear',
  tier: 'write',
  args: args({}),
  calls: [
    { method: 'GET', path: MODULES },
    { method: 'DELETE', path: MODULES },
  ],
  run: async (ctx) => {
    const before = await ctx.deps.plexus.request('GET', MODULES, { schema: S.loggingModulesSchema });
    const after = await ctx.deps.plexus.request('DELETE', MODULES, { schema: S.loggingModulesSchema });
    const change =
      before.modules.length === 0
        ? 'No module filter was set; every module logs.'
        : `modules: ${moduleText(before.modules)} → ${moduleText(after.modules)}`;
    return reply({ title: 'Log module filter cleared', severity: 'success', blocks: [text(change), byActor(ctx.actor)] });
  },
});

/** The reads {@link logCounts} makes. */
export const LOG_COUNT_CALLS: ApiCall[] = [
  { method: 'GET', path: mgmtPath('usage') },
  { method: 'GET', path: mgmtPath('errors') },
  { method: 'GET', path: mgmtPath('debug', 'logs') },
  { method: 'GET', path: mgmtPath('mcp-logs') },
];

/** What `logs reset` deletes, counted from the first page of each log. */
export async function logCounts(ctx: { deps: { plexus: PlexusApi } }) {
  const total = (path: string) =>
    ctx.deps.plexus.request('GET', path, { query: { limit: 1 }, schema: S.pageTotalSchema }).then((p) => p.total ?? null);
  const [usage, errors, debug, mcp] = await Promise.all([
    total(mgmtPath('usage')),
    total(mgmtPath('errors')),
    total(mgmtPath('debug', 'logs')),
    total(mgmtPath('mcp-logs')),
  ]);
  return { usage, errors, debug, mcp };
}

const countText = (n: number | null, what: string) => `${n === null ? 'all' : formatNumber(n)} ${what}`;

export const logsReset = defineCommand({
  words: ['logs', 'reset'],
  summary: 'Delete every usage record, inference error, debug trace and MCP call log (configuration is kept).',
  example: 'logs reset',
  tier: 'destructive',
  args: args({}),
  calls: [...LOG_COUNT_CALLS, { method: 'DELETE', path: RESET }],
  describeRisk: async (ctx) => {
    const c = await logCounts(ctx);
    return {
      lines: [
        `Deleted for good: ${countText(c.usage, 'usage records')} (usage summaries and costs are computed from them), ` +
          `${countText(c.errors, 'inference errors')}, ${countText(c.debug, 'debug traces')} and ${countText(c.mcp, 'MCP call records')}.`,
        'Providers, aliases, keys, quotas and settings are kept. `backup --full` first keeps a copy.',
      ],
    };
  },
  run: async (ctx) => {
    const c = await logCounts(ctx);
    const res = await ctx.deps.plexus.request('DELETE', RESET, { schema: S.successSchema });
    return reply({
      title: 'Logs reset',
      severity: 'success',
      blocks: [
        text(
          `Deleted ${countText(c.usage, 'usage records')}, ${countText(c.errors, 'inference errors')}, ` +
            `${countText(c.debug, 'debug traces')} and ${countText(c.mcp, 'MCP call records')}.`,
        ),
        ...(res.message ? [context(res.message)] : []),
        byActor(ctx.actor),
      ],
    });
  },
});

export const loggingCommands = [loggingLevel, loggingReset, loggingModules, loggingModulesClear, logsReset];
