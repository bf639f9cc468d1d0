import { z } from 'zod';
import { args } from '../core/args.js';
import { defineCommand } from '../core/command.js';
import { mgmtPath } from '../plexus/path.js';
import * as S from '../plexus/schemas.js';
import { context, fields, reply, text } from '../render/reply.js';
import { changeBlock, changeLines, showValue } from './changes.js';
import { jsonReply } from './json-reply.js';
import { patchRecord } from './record-write.js';

const SETTINGS = mgmtPath('system-settings');

/** A text value a JSON body would more likely have meant as a number, boolean, null or list. */
const looksTyped = (v: unknown): boolean => typeof v === 'string' && /^(-?\d+(\.\d+)?|true|false|null|\[.*\])$/.test(v.trim());

export const settingsGet = defineCommand({
  words: ['settings', 'get'],
  summary: 'Show the stored system settings (values not set here use Plexus defaults).',
  example: 'settings get',
  tier: 'read',
  args: args({}),
  calls: [{ method: 'GET', path: SETTINGS }],
  run: async (ctx) => {
    const settings = await ctx.deps.plexus.request('GET', SETTINGS, { schema: S.looseRecordSchema });
    if (ctx.json) return jsonReply('System settings', settings);
    const names = Object.keys(settings).sort();
    return reply({
      title: `System settings (${names.length})`,
      blocks:
        names.length > 0
          ? [
              fields(names.map((n) => ({ label: n, value: showValue(settings[n], n) }))),
              context('`config <section>` shows a section with its defaults filled in.'),
            ]
          : [text('No setting is stored: Plexus runs on its defaults.')],
    });
  },
});

export const settingsSet = defineCommand({
  words: ['settings', 'set'],
  summary: 'Change system settings (name=value pairs are text; a JSON body carries numbers, booleans, lists and null).',
  usage: 'name=value... [{json}]',
  example: 'settings set {"default_quotas":["requests-daily"]}',
  tier: 'write',
  args: z.record(z.string(), z.unknown()).refine((o) => Object.keys(o).length > 0, {
    error: 'nothing to set: give name=value pairs or a JSON body, e.g. {"default_quotas":null}',
  }),
  calls: [
    { method: 'GET', path: SETTINGS },
    { method: 'PATCH', path: SETTINGS },
  ],
  run: async (ctx) => {
    const patch = ctx.args;
    const read = () => ctx.deps.plexus.request('GET', SETTINGS, { schema: S.looseRecordSchema });
    const asText = Object.entries(patch)
      .filter(([, v]) => looksTyped(v))
      .map(([k]) => k);
    return patchRecord(ctx, {
      title: 'System settings',
      read,
      write: async () => {
        await ctx.deps.plexus.request('PATCH', SETTINGS, { body: patch, schema: S.successSchema });
        return read();
      },
      changed: (before, after) => [changeBlock(changeLines(before, after, Object.keys(patch)))],
      extra: () =>
        asText.length > 0
          ? [
              context(
                `${asText.join(', ')} ${asText.length === 1 ? 'was' : 'were'} stored as text. For a number, boolean, list or ` +
                  `null use a JSON body: settings set {"${asText[0]}": …}`,
              ),
            ]
          : [],
    });
  },
});

export const settingsCommands = [settingsGet, settingsSet];
