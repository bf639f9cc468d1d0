import { z } from 'zod';
import { BotError } from '../base/errors.js';
import { args, word } from '../core/args.js';
import { defineCommand } from '../core/command.js';
import { SNOOZE_HOURS, type AlertsApi } from '../core/deps.js';
import type { ActionHandler, Pipeline } from '../core/pipeline.js';
import { formatTimestamp } from '../render/format.js';
import { reply, text } from '../render/reply.js';

const CHOICES = SNOOZE_HOURS.join(', ').replace(/, (\d+)$/, ' or $1');

function alerts(a: AlertsApi | undefined): AlertsApi {
  if (!a) throw new BotError('INTERNAL', 'Alerts are not available in this build of the bot.');
  return a;
}

/** Snoozing silences an alert for the whole channel, so it takes the write tier, like the other buttons. */
export const alertsSnooze = defineCommand({
  words: ['alerts', 'snooze'],
  summary: 'Leave one alert alone for a while (no edits, no new message for it); its message says who snoozed it.',
  usage: `<ref> <hours: ${CHOICES}>`,
  example: 'alerts snooze 3f2a9c1b7d40 4',
  tier: 'write',
  quiet: true,
  positional: ['ref', 'hours'],
  args: args({
    ref: word('the alert reference'),
    hours: z.coerce
      .number({ error: `expected ${CHOICES}` })
      .refine((h) => (SNOOZE_HOURS as readonly number[]).includes(h), { error: `expected ${CHOICES}` }),
  }),
  calls: [],
  run: async (ctx) => {
    const by = ctx.actor.displayName ?? ctx.actor.userId;
    const res = await alerts(ctx.deps.alerts).snooze(ctx.args.ref, ctx.args.hours, by);
    if (res.status === 'unknown') {
      return reply({
        title: 'Alert not found',
        blocks: [text('This alert is no longer tracked (it ended a while ago). Nothing changed.')],
      });
    }
    if (res.status === 'resolved') {
      return reply({ title: 'Already resolved', blocks: [text('This alert is already resolved; there is nothing to snooze.')] });
    }
    const until = `${formatTimestamp(res.until, ctx.deps.clock.now())} UTC`;
    return reply({
      title: 'Snoozed',
      severity: 'success',
      blocks: [text(`Snoozed for ${ctx.args.hours} h by ${by}, until ${until}. The alert message stays as it is until then.`)],
    });
  },
});

export const alertCommands = [alertsSnooze];

/**
 * Buttons posted before `run:alerts snooze …` ids (`snooze:<ref>:<hours>`)
 * run the same command, checked and audited the same way.
 */
export function legacySnoozeButton(pipeline: Pipeline): ActionHandler {
  return async (actor, arg) => {
    const m = /^([^:\s]+):(\d+)$/.exec(arg);
    if (!m) {
      throw new BotError('INVALID_ARGS', 'This button is no longer understood by the bot (it may predate an upgrade). Nothing was run.');
    }
    return pipeline.handle({ actor, text: `alerts snooze ${m[1]} ${m[2]}` });
  };
}
