import { z } from 'zod';
import { args, bool, int } from '../core/args.js';
import { defineCommand } from '../core/command.js';
import { mgmtPath } from '../plexus/path.js';
import * as S from '../plexus/schemas.js';
import { context, fields, reply } from '../render/reply.js';
import { changeBlock, changeLines, defined, showValue } from './changes.js';
import { jsonReply } from './json-reply.js';
import { patchRecord } from './record-write.js';

const split = (v: unknown): unknown =>
  typeof v === 'string'
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
    : v;
const number = () => z.coerce.number({ error: 'expected a number' });
/** `null`/`none`/`off` turn the limit off. */
const numberOrNull = () =>
  z.preprocess((v) => (typeof v === 'string' && /^(null|none|off)$/i.test(v.trim()) ? null : v), number().nullable());
const strings = () => z.preprocess(split, z.array(z.string().min(1)));
const statusCodes = () =>
  z.preprocess(split, z.array(z.coerce.number({ error: 'expected HTTP status codes' }).int({ error: 'expected HTTP status codes' })));

interface SectionSpec {
  name: string;
  summary: string;
  args: z.ZodType<Record<string, unknown>>;
  /** The section as GET and PATCH answer it (checked, then shown as sent). */
  schema: z.ZodType<unknown, Record<string, unknown>>;
  usage: string;
  example: string;
  note?: string;
}

const SECTIONS: SectionSpec[] = [
  {
    name: 'failover',
    summary: 'Show or change failover: which errors and status codes make Plexus try the next target.',
    args: args({ enabled: bool().optional(), retryableStatusCodes: statusCodes().optional(), retryableErrors: strings().optional() }),
    schema: S.failoverConfigSchema,
    usage: '[enabled= retryableStatusCodes=429,500,… retryableErrors=ECONNREFUSED,…] [{json}]',
    example: 'config failover',
    note: 'Under Bun a refused connection is `ConnectionRefused`, not ECONNREFUSED: list both to fail over on it.',
  },
  {
    name: 'exploration-rate',
    summary: 'Show or change how often routing tries a non-best target to refresh its measurements (0..1).',
    args: args({
      performanceExplorationRate: number().optional(),
      latencyExplorationRate: number().optional(),
      e2ePerformanceExplorationRate: number().optional(),
    }),
    schema: S.explorationRateSchema,
    usage: '[performanceExplorationRate= latencyExplorationRate= e2ePerformanceExplorationRate=] [{json}]',
    example: 'config exploration-rate latencyExplorationRate=0.1',
  },
  {
    name: 'background-exploration',
    summary: 'Show or change background probing of targets whose measurements are stale.',
    args: args({ enabled: bool().optional(), stalenessThresholdSeconds: int().optional(), workerConcurrency: int().optional() }),
    schema: S.backgroundExplorationSchema,
    usage: '[enabled= stalenessThresholdSeconds= workerConcurrency=] [{json}]',
    example: 'config background-exploration',
  },
  {
    name: 'cooldown',
    summary: 'Show or change how long a failing target is taken out of routing (minutes, doubling per failure).',
    args: args({ initialMinutes: number().optional(), maxMinutes: number().optional() }),
    schema: S.cooldownConfigSchema,
    usage: '[initialMinutes= maxMinutes=] [{json}]',
    example: 'config cooldown initialMinutes=1 maxMinutes=60',
  },
  {
    name: 'timeout',
    summary: 'Show or change the default upstream request timeout (seconds).',
    args: args({ defaultSeconds: int().optional() }),
    schema: S.timeoutConfigSchema,
    usage: '[defaultSeconds=] [{json}]',
    example: 'config timeout defaultSeconds=180',
  },
  {
    name: 'stall',
    summary: 'Show or change stall detection of slow streams (null turns a limit off).',
    args: args({
      ttfbSeconds: numberOrNull().optional(),
      ttfbBytes: int().optional(),
      minBytesPerSecond: numberOrNull().optional(),
      windowSeconds: int().optional(),
      gracePeriodSeconds: int().optional(),
      stallCooldown: bool().optional(),
    }),
    schema: S.stallConfigSchema,
    usage: '[ttfbSeconds= ttfbBytes= minBytesPerSecond= windowSeconds= gracePeriodSeconds= stallCooldown=] [{json}]',
    example: 'config stall',
  },
  {
    name: 'vision-fallthrough',
    summary: 'Show or change the vision fallthrough settings (merged as given; Plexus does not check them).',
    args: z.record(z.string(), z.unknown()),
    schema: S.looseRecordSchema,
    usage: '[name=value... | {json}]',
    example: 'config vision-fallthrough',
    note: 'name=value pairs are stored as text; use a JSON body for numbers, booleans and objects.',
  },
];

const hasValues = (a: Record<string, unknown>): boolean => Object.keys(defined(a)).length > 0;

function sectionCommand(spec: SectionSpec) {
  const path = mgmtPath('config', spec.name);
  return defineCommand({
    words: ['config', spec.name],
    summary: spec.summary,
    usage: spec.usage,
    example: spec.example,
    tier: 'read',
    tierFor: ({ args: a }) => (hasValues(a) ? 'write' : 'read'),
    args: spec.args,
    calls: [
      { method: 'GET', path },
      { method: 'PATCH', path, tier: 'write' },
    ],
    run: async (ctx) => {
      const read = () => ctx.deps.plexus.request('GET', path, { schema: S.asSent(spec.schema) });
      const title = `config ${spec.name}`;
      if (!hasValues(ctx.args)) {
        const current = await read();
        if (ctx.json) return jsonReply(title, current);
        const names = Object.keys(current);
        return reply({
          title,
          blocks: [
            names.length > 0 ? fields(names.map((n) => ({ label: n, value: showValue(current[n], n) }))) : context('Nothing is set.'),
            ...(spec.note ? [context(spec.note)] : []),
            context(`Change it with \`config ${spec.name} name=value…\`.`),
          ],
        });
      }
      return patchRecord(ctx, {
        title,
        read,
        write: () => ctx.deps.plexus.request('PATCH', path, { body: defined(ctx.args), schema: S.asSent(spec.schema) }),
        changed: (before, after) => [changeBlock(changeLines(before, after))],
        json: `${title} (changed)`,
      });
    },
  });
}

export const configSectionCommands = SECTIONS.map(sectionCommand);
