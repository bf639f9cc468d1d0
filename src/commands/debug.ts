import type { z } from 'zod';
import { args, bool, int, list, word } from '../core/args.js';
import { defineCommand, type RunContext } from '../core/command.js';
import { BotError } from '../base/errors.js';
import { orNull } from '../plexus/not-found.js';
import { mgmtPath } from '../plexus/path.js';
import * as S from '../plexus/schemas.js';
import { DASH, formatTimestamp } from '../render/format.js';
import { context, fields, reply, table, text } from '../render/reply.js';
import { byActor, plural } from './changes.js';
import { describeTrace, maskTrace, PAYLOAD_CHARS, traceBlocks } from './debug-trace.js';
import { diffBlock } from './diff.js';
import { jsonReply } from './json-reply.js';
import { pageFooter } from './paging.js';
import { findRecord, requestIdArg, type RecordSource } from './record-lookup.js';

const DEBUG = mgmtPath('debug');
const LOGS = mgmtPath('debug', 'logs');
const LOG_ONE = mgmtPath('debug', 'logs', '{requestId}');
const TOGGLE = mgmtPath('self', 'debug', 'toggle');
const IN_MEMORY = 'Plexus keeps these settings in memory: a restart turns tracing off again.';

const filterText = (l: readonly string[] | null | undefined): string => (l && l.length > 0 ? l.join(', ') : 'all');

/** The state as a person reads it (also what before → after compares). */
const view = (d: S.DebugState) => ({
  tracing: d.enabled ? 'on' : 'off',
  providers: filterText(d.providers),
  keys: filterText(d.keys ?? d.enabledKeys),
  aliases: filterText(d.aliases),
});

const getState = (ctx: RunContext<unknown>) => ctx.deps.plexus.request('GET', DEBUG, { schema: S.debugStateSchema });

export const debugStatus = defineCommand({
  words: ['debug', 'status'],
  summary: 'Show whether request tracing is on, and for which providers, keys and aliases.',
  example: 'debug status',
  tier: 'read',
  args: args({}),
  calls: [{ method: 'GET', path: DEBUG }],
  run: async (ctx) => {
    const d = await getState(ctx);
    if (ctx.json) return jsonReply('Debug tracing', d);
    const v = view(d);
    return reply({
      title: `Debug tracing: ${v.tracing}`,
      blocks: [
        fields([
          { label: 'Tracing', value: v.tracing },
          { label: 'Providers', value: v.providers },
          { label: 'Keys', value: v.keys },
          { label: 'Aliases', value: v.aliases },
          ...(d.enabledForKey != null ? [{ label: 'For this key', value: d.enabledForKey ? 'on' : 'off' }] : []),
        ]),
        context(`${IN_MEMORY} \`debug logs\` lists the captured traces.`),
      ],
    });
  },
});

/** Names in a filter that Plexus does not know (a typo would silently trace nothing). */
async function unknownNames(
  ctx: RunContext<unknown>,
  what: 'providers' | 'keys' | 'aliases',
  names: string[] | undefined,
): Promise<string[]> {
  if (!names || names.length === 0) return [];
  const schema: z.ZodType<{ name: string }[]> =
    what === 'providers' ? S.providerListSchema : what === 'keys' ? S.apiKeyListSchema : S.aliasListSchema;
  const known = new Set((await ctx.deps.plexus.request('GET', mgmtPath(what), { schema })).map((x) => x.name));
  const one = what === 'aliases' ? 'alias' : what.slice(0, -1);
  return names.filter((n) => !known.has(n)).map((n) => `${one} \`${n}\``);
}

/** An empty list clears a filter (null = everything); Plexus would read [] as "none" for providers. */
const filterValue = (l: string[] | undefined) => (l === undefined ? undefined : l.length > 0 ? l : null);

export const debugOn = defineCommand({
  words: ['debug', 'on'],
  summary: 'Turn request tracing on, optionally only for some providers, keys or aliases.',
  usage: '[providers=a,b] [keys=a,b] [aliases=a,b] (an empty value clears that filter)',
  example: 'debug on providers=groq',
  tier: 'write',
  args: args({ providers: list().optional(), keys: list().optional(), aliases: list().optional() }),
  calls: [
    { method: 'GET', path: DEBUG },
    { method: 'GET', path: mgmtPath('providers') },
    { method: 'GET', path: mgmtPath('keys') },
    { method: 'GET', path: mgmtPath('aliases') },
    { method: 'PATCH', path: DEBUG },
  ],
  run: async (ctx) => {
    const { providers, keys, aliases } = ctx.args;
    const unknown = [
      ...(await unknownNames(ctx, 'providers', providers)),
      ...(await unknownNames(ctx, 'keys', keys)),
      ...(await unknownNames(ctx, 'aliases', aliases)),
    ];
    if (unknown.length > 0) {
      throw new BotError('INVALID_ARGS', `Plexus has no ${unknown.join(', no ')}. Nothing was changed.`, {
        hints: ['`providers list`, `keys list` and `aliases list` show the names.'],
      });
    }
    return patchDebug(ctx, { enabled: true, providers: filterValue(providers), keys: filterValue(keys), aliases: filterValue(aliases) });
  },
});

export const debugOff = defineCommand({
  words: ['debug', 'off'],
  summary: 'Turn request tracing off (its filters are kept for next time).',
  example: 'debug off',
  tier: 'write',
  args: args({}),
  calls: [
    { method: 'GET', path: DEBUG },
    { method: 'PATCH', path: DEBUG },
  ],
  run: (ctx) => patchDebug(ctx, { enabled: false }),
});

async function patchDebug(ctx: RunContext<unknown>, body: Record<string, unknown>) {
  const before = await getState(ctx);
  const sent = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
  const after = await ctx.deps.plexus.request('PATCH', DEBUG, { body: sent, schema: S.debugStateSchema });
  return reply({
    title: `Debug tracing: ${view(after).tracing}`,
    severity: 'success',
    blocks: [
      diffBlock(view(before), view(after), [], 'Nothing changed: tracing was already set this way.'),
      context(IN_MEMORY),
      byActor(ctx.actor),
    ],
  });
}

export const debugToggleSelf = defineCommand({
  words: ['debug', 'toggle-self'],
  summary: "Turn one key's own tracing on or off (the switch a key holder has in self-service).",
  usage: 'key=<name> [enabled=true|false]',
  example: 'debug toggle-self key=ci-pipeline',
  tier: 'write',
  args: args({ key: word('key='), enabled: bool().default(true) }),
  calls: [{ method: 'POST', path: TOGGLE }],
  run: async (ctx) => {
    const { key, enabled } = ctx.args;
    const res = await ctx.deps.plexus.request('POST', TOGGLE, {
      query: { keyName: key },
      body: { enabled },
      schema: S.debugToggleResultSchema,
    });
    const effective = res.enabled ?? enabled;
    const note =
      !enabled && effective
        ? 'Its requests are still traced: global tracing covers this key (`debug status`).'
        : 'Plexus does not show an admin the per-key switch, so the bot sets it rather than flipping it: `enabled=false` turns it off.';
    return reply({
      title: `Tracing for key ${res.keyName ?? key}: ${effective ? 'on' : 'off'}`,
      severity: 'success',
      blocks: [
        fields([
          { label: 'Own switch', value: enabled ? 'on' : 'off' },
          { label: 'Traced now', value: effective ? 'yes' : 'no' },
          { label: 'Global tracing', value: res.enabledGlobal == null ? DASH : res.enabledGlobal ? 'on' : 'off' },
        ]),
        context(note),
        byActor(ctx.actor),
      ],
    });
  },
});

export const debugLogs = defineCommand({
  words: ['debug', 'logs'],
  summary: 'List captured request traces, newest first.',
  usage: '[limit= offset=]',
  example: 'debug logs limit=10',
  tier: 'read',
  args: args({ limit: int({ min: 1, max: 200 }).default(20), offset: int({ min: 0 }).default(0) }),
  calls: [{ method: 'GET', path: LOGS }],
  run: async (ctx) => {
    const { limit, offset } = ctx.args;
    const page = await ctx.deps.plexus.request('GET', LOGS, { query: { limit, offset }, schema: S.debugLogPageSchema });
    const footer = pageFooter(ctx.line, { limit, offset, shown: page.data.length, total: page.total });
    if (ctx.json) {
      const out = jsonReply('Debug traces', page.data);
      out.blocks.push(footer);
      return out;
    }
    const now = ctx.deps.clock.now();
    return reply({
      title: 'Debug traces',
      blocks: [
        page.data.length > 0
          ? table(
              ['captured', 'request', { header: 'HTTP', align: 'right' }],
              page.data.map((l) => [
                formatTimestamp(l.createdAt, now),
                l.requestId,
                l.responseStatus == null ? 'failed' : String(l.responseStatus),
              ]),
            )
          : text('No traces captured. `debug on` starts tracing.'),
        footer,
        ...(page.data.length > 0 ? [context('`debug log <requestId>` shows one trace (privately).')] : []),
      ],
    });
  },
});

const getTrace = (ctx: RunContext<unknown>, id: string) =>
  ctx.deps.plexus.request('GET', mgmtPath('debug', 'logs', id), { schema: S.debugLogDetailSchema });

/** The full trace of what the user named (`latest`, an id, or a prefix). */
async function findTrace(ctx: RunContext<unknown>, requestId: string): Promise<S.DebugLogDetail> {
  let exact: S.DebugLogDetail | undefined;
  const source: RecordSource<{ requestId: string }> = {
    what: 'debug trace',
    listCommand: 'debug logs',
    page: (limit, offset) => ctx.deps.plexus.request('GET', LOGS, { query: { limit, offset }, schema: S.debugLogPageSchema }),
    idOf: (l) => l.requestId,
    exact: async (id) => (exact = (await orNull(getTrace(ctx, id))) ?? undefined),
  };
  const found = await findRecord(source, requestId);
  return exact?.requestId === found.requestId ? exact : getTrace(ctx, found.requestId);
}

export const debugLog = defineCommand({
  words: ['debug', 'log'],
  summary: 'Show one captured trace: headers and payloads, secrets masked, answered privately.',
  usage: '<requestId> (or a unique prefix of it, or latest)',
  example: 'debug log latest',
  tier: 'read',
  private: true,
  positional: ['requestId'],
  args: args({ requestId: requestIdArg() }),
  calls: [
    { method: 'GET', path: LOG_ONE },
    { method: 'GET', path: LOGS },
  ],
  run: async (ctx) => {
    const masked = maskTrace(await findTrace(ctx, ctx.args.requestId));
    if (ctx.json)
      return {
        ...jsonReply(`Debug trace ${masked.requestId}`, masked, { keepFields: ['requestHeaders', 'responseHeaders'] }),
        private: true,
      };
    return reply({
      title: `Debug trace ${masked.requestId}`,
      private: true,
      blocks: [
        ...traceBlocks(masked, ctx.deps.clock.now()),
        context(
          `Payloads longer than ${PAYLOAD_CHARS} characters are cut; \`--json\` shows them whole. Secret fields and credentials ` +
            'are masked.',
        ),
      ],
    });
  },
});

export const debugDelete = defineCommand({
  words: ['debug', 'delete'],
  summary: 'Delete one captured trace.',
  usage: '<requestId> (or a unique prefix of it, or latest)',
  example: 'debug delete latest',
  tier: 'destructive',
  positional: ['requestId'],
  args: args({ requestId: requestIdArg() }),
  calls: [
    { method: 'GET', path: LOG_ONE },
    { method: 'GET', path: LOGS },
    { method: 'DELETE', path: LOG_ONE },
  ],
  describeRisk: async (ctx) => {
    const t = await findTrace(ctx, ctx.args.requestId);
    // Pin the trace shown: `latest` or a prefix must not mean another one by the time the user confirms.
    return {
      lines: [
        `The trace of request \`${t.requestId}\` will be deleted (${describeTrace(t, ctx.deps.clock.now())}). Its usage record stays.`,
      ],
      plan: { requestId: t.requestId },
    };
  },
  run: async (ctx) => {
    const t = await findTrace(ctx, ctx.plan?.requestId ?? ctx.args.requestId);
    await ctx.deps.plexus.request('DELETE', mgmtPath('debug', 'logs', t.requestId), { schema: S.successSchema });
    return reply({
      title: 'Debug trace deleted',
      severity: 'success',
      blocks: [text(`\`${t.requestId}\`: ${describeTrace(t, ctx.deps.clock.now())}`), byActor(ctx.actor)],
    });
  },
});

const traceCount = async (ctx: RunContext<unknown>) =>
  (await ctx.deps.plexus.request('GET', LOGS, { query: { limit: 1, offset: 0 }, schema: S.debugLogPageSchema })).total;

export const debugClear = defineCommand({
  words: ['debug', 'clear'],
  summary: 'Delete every captured trace (tracing itself stays as it is).',
  example: 'debug clear',
  tier: 'destructive',
  args: args({}),
  calls: [
    { method: 'GET', path: LOGS },
    { method: 'DELETE', path: LOGS },
  ],
  describeRisk: async (ctx) => {
    const n = await traceCount(ctx);
    return {
      lines: [
        n === 0
          ? 'There are no captured traces: nothing will be lost.'
          : `All ${plural(n, 'captured trace')} will be deleted, with their headers and payloads. Usage records stay.`,
      ],
    };
  },
  run: async (ctx) => {
    const n = await traceCount(ctx);
    await ctx.deps.plexus.request('DELETE', LOGS, { schema: S.successSchema });
    return reply({
      title: 'Debug traces cleared',
      severity: 'success',
      blocks: [text(`${plural(n, 'trace')} deleted.`), byActor(ctx.actor)],
    });
  },
});

export const debugCommands = [debugStatus, debugOn, debugOff, debugToggleSelf, debugLogs, debugLog, debugDelete, debugClear];
