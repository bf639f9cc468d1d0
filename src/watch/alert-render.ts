import { SNOOZE_HOURS } from '../core/deps.js';
import { bar } from '../render/bar.js';
import { truncate } from '../render/table.js';
import { DASH, formatAmount, formatDuration, formatNumber, formatTimestamp } from '../render/format.js';
import { maskTokenPatterns } from '../render/mask.js';
import { context, fields, reply, text, type Action, type Reply } from '../render/reply.js';
import { shownView, type AlertRecord, type CooldownView, type PlexusView, type QuotaView } from './alert-model.js';

/** `14:07 UTC`, with the date when it is not the day of `ref`. */
export const utc = (ts: number, ref: number): string => `${formatTimestamp(ts, ref)} UTC`;

const clip = (s: string): string => truncate(s, 300);

const pct = (p: number): string => `${formatNumber(p, p < 10 ? 1 : 0)} %`;

/** `run:` ids go through the pipeline, which checks the clicker's own tier. */
export const clearCooldownAction = (v: CooldownView): Action => ({
  id: `run:cooldowns clear ${v.provider}${v.model ? ` model=${v.model}` : ''}`,
  label: 'Clear cooldown',
  style: 'primary',
  confirmText: `End the cooldown of ${v.provider}${v.model ? `/${v.model}` : ''} now?`,
});

function cooldownReply(r: AlertRecord, v: CooldownView): Reply {
  const what = `${v.provider}/${v.model ?? '*'}`;
  if (v.resolved) {
    const span = `${utc(r.openedAt, r.openedAt)} to ${utc(v.resolved.at, r.openedAt)}`;
    return reply({
      title: `Resolved: cooldown ${what}`,
      severity: 'success',
      blocks: [
        text(`\`${what}\` is back in rotation after about ${formatDuration(v.resolved.lastedMs)} in cooldown (${span}).`),
        ...(v.resolved.early ? [context('It ended before its expiry (cleared, or the provider recovered).')] : []),
      ],
    });
  }
  const left =
    v.expiry !== null
      ? `${formatDuration(Math.max(0, v.expiry - r.openedAt))} from ${utc(r.openedAt, r.openedAt)} (until ${utc(v.expiry, r.openedAt)})`
      : DASH;
  return reply({
    title: `Cooldown: ${what}`,
    severity: 'warning',
    blocks: [
      text(`Plexus stopped routing to \`${what}\` after repeated failures; requests go to other targets until the cooldown ends.`),
      fields([
        { label: 'Provider', value: v.provider },
        { label: 'Model', value: v.model ?? 'all models' },
        { label: 'Consecutive failures', value: v.failures === null ? DASH : formatNumber(v.failures) },
        { label: 'Time left', value: left },
        { label: 'Last error', value: v.lastError ? clip(maskTokenPatterns(v.lastError)) : DASH },
      ]),
      ...(v.reentries > 0 ? [context(`Flapping: back in cooldown ${v.reentries}× shortly after ending.`)] : []),
    ],
    actions: [clearCooldownAction(v)],
  });
}

const quotaSubject = (v: QuotaView): string => (v.subject === 'key' ? `key ${v.owner} · ${v.name}` : `${v.owner} · ${v.name}`);

function quotaReply(r: AlertRecord, v: QuotaView, now: number): Reply {
  const subject = quotaSubject(v);
  if (v.resolved) {
    const why =
      v.resolved.reason === 'reset'
        ? `The quota period reset; now at ${pct(v.resolved.percent)}.`
        : v.resolved.reason === 'gone'
          ? 'Plexus no longer reports this quota.'
          : `Back under ${pct(v.level ?? 0)}: now at ${pct(v.resolved.percent)}.`;
    return reply({
      title: `Resolved: quota ${subject}`,
      severity: 'success',
      blocks: [
        text(why),
        context(`Resolved at ${utc(v.resolved.at, r.openedAt)}; highest this period: ${v.level === null ? DASH : pct(v.level)}.`),
      ],
    });
  }
  const head = v.blocked ? `Quota exhausted: ${subject}` : `Quota ${pct(v.level ?? v.percent)}: ${subject}`;
  const lead =
    v.subject === 'key'
      ? `Key \`${v.owner}\` has used ${pct(v.percent)} of its quota \`${v.name}\`.`
      : `Provider \`${v.owner}\`: meter "${v.name}" is at ${pct(v.percent)}.`;
  const blocks = [
    text(v.blocked ? `${lead} Requests with this key are refused (429) until the quota resets.` : lead),
    fields([
      { label: 'Usage', value: `${bar(v.percent / 100)} ${pct(v.percent)}` },
      { label: 'Used / limit', value: `${formatAmount(v.unit, v.used)} of ${formatAmount(v.unit, v.limit)}` },
      { label: 'Resets', value: v.resetsAt === null ? DASH : utc(v.resetsAt, v.at) },
      { label: 'Forecast', value: v.forecast },
    ]),
    context(`As of ${utc(v.at, v.at)}.`),
  ];
  const s = r.snooze;
  if (s && s.until > now) blocks.push(context(`Snoozed for ${s.hours} h by ${s.by}, until ${utc(s.until, v.at)}.`));
  return reply({
    title: head,
    severity: v.blocked || v.percent >= 100 ? 'error' : 'warning',
    blocks,
    actions: SNOOZE_HOURS.map((h) => ({ id: `run:alerts snooze ${r.ref} ${h}`, label: `Snooze ${h} h`, style: 'default' as const })),
  });
}

function plexusReply(v: PlexusView, pollSeconds: number): Reply {
  if (v.resolved) {
    return reply({
      title: 'Plexus reachable again',
      severity: 'success',
      blocks: [
        text(
          `Plexus answers again (unreachable from ${utc(v.since, v.since)} to ${utc(v.resolved.at, v.since)}, ` +
            `about ${formatDuration(v.resolved.at - v.since)}).`,
        ),
      ],
    });
  }
  return reply({
    title: 'Cannot reach Plexus',
    severity: 'error',
    blocks: [
      text(`Cannot reach Plexus since ${utc(v.since, v.since)}.`),
      fields([{ label: 'Error', value: clip(maskTokenPatterns(v.reason)) }]),
      context(`Cooldown and quota alerts wait until it answers; the bot keeps trying every ${pollSeconds} s.`),
    ],
  });
}

/** The message of an alert as it should look now (only snooze expiry depends on `now`). */
export function renderAlert(r: AlertRecord, now: number, pollSeconds: number): Reply {
  const v = shownView(r, now);
  if (v.kind === 'cooldown') return cooldownReply(r, v);
  if (v.kind === 'quota') return quotaReply(r, v, now);
  return plexusReply(v, pollSeconds);
}
