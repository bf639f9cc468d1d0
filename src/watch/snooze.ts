import type { Logger } from 'pino';
import type { Actor } from '../core/actor.js';
import type { Clock } from '../core/clock.js';
import type { ActionHandler } from '../core/pipeline.js';
import { authorize, type AccessPolicy } from '../core/policy.js';
import { reply, text, type Reply } from '../render/reply.js';
import type { AlertBook } from './alert-book.js';
import { SNOOZE_HOURS, utc } from './alert-render.js';

/** Snoozing silences an alert for the whole channel, so it takes the write tier, like the other buttons. */
export const SNOOZE_TIER = 'write' as const;

const answer = (title: string, severity: Reply['severity'], line: string): Reply => reply({ title, severity, blocks: [text(line)] });

/**
 * `snooze:<ref>:<hours>`: leaves one alert alone until then (no edits, no
 * new message for it) and shows who snoozed it. A resolve still shows.
 */
export function snoozeHandler(deps: { book: AlertBook; policy: AccessPolicy; clock: Clock; logger: Logger }): ActionHandler {
  return async (actor: Actor, arg: string) => {
    const [ref = '', hoursText = ''] = arg.split(':');
    const hours = Number(hoursText);
    if (!(SNOOZE_HOURS as readonly number[]).includes(hours)) return answer('Unknown button', 'error', 'This snooze button is not understood (it may predate an upgrade). Nothing changed.');
    const decision = authorize(deps.policy, actor, { name: 'alerts snooze', tier: SNOOZE_TIER });
    if (!decision.allowed) return answer('Not allowed', 'error', decision.reason);
    const found = await deps.book.byRef(ref);
    if (!found) return answer('Alert not found', 'info', 'This alert is no longer tracked (it ended a while ago). Nothing changed.');
    if (found.state !== 'active') return answer('Already resolved', 'info', 'This alert is already resolved; there is nothing to snooze.');
    const now = deps.clock.now();
    const until = now + hours * 3_600_000;
    const by = actor.displayName ?? actor.userId;
    await deps.book.change(found.id, (cur) => (cur && cur.state === 'active' ? { ...cur, snooze: { until, by, hours, view: cur.snooze && cur.snooze.until > now ? cur.snooze.view : cur.view } } : undefined));
    deps.logger.info({ audit: true, platform: actor.platform, user: actor.userId, channel: actor.channelId, command: `alerts snooze ${found.id} ${hours}h`, tier: SNOOZE_TIER, outcome: 'ok' }, 'audit');
    await deps.book.sync(now, found.id);
    return answer('Snoozed', 'success', `Snoozed for ${hours} h by ${by}, until ${utc(until, now)}. The alert message stays as it is until then.`);
  };
}
