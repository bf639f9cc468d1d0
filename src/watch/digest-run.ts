import type { Logger } from 'pino';
import type { ChannelPoster } from '../core/channel-poster.js';
import type { DigestDef } from './digest-build.js';
import { renderDigest } from './digest-render.js';
import { digestKey, type DigestService, type DigestState } from './digest-service.js';
import { targetKey, type Delivery, type Target } from './delivery.js';
import { mutate, type StateStore } from './state-store.js';

/** A digest whose time passed longer ago than this (the bot was down) is skipped, not posted late. */
export const MAX_LATE_MS = 3_600_000;

export interface DigestRunContext {
  service: DigestService;
  store: StateStore;
  delivery: Delivery;
  posters: readonly ChannelPoster[];
  logger: Logger;
  /** Problems already logged (a bad schedule is reported once, not every tick). */
  reported: Set<string>;
}

export function targetsFor(channels: DigestDef['channels'], posters: readonly ChannelPoster[]): Target[] {
  const out: Target[] = [];
  for (const poster of posters) {
    const channelId = channels[poster.platform];
    if (channelId) out.push({ poster, channelId });
  }
  return out;
}

/** Posts every digest whose scheduled time has come, once (claims guard each channel). */
export async function runDueDigests(ctx: DigestRunContext, now: number): Promise<void> {
  for (const def of ctx.service.opts.digests) {
    try {
      await runOne(ctx, def, now);
    } catch (e) {
      // Retried on the next tick while less than an hour late.
      ctx.logger.error({ err: e, digest: def.name }, 'digest failed; will retry');
    }
  }
}

function reportOnce(ctx: DigestRunContext, key: string, log: () => void): void {
  if (ctx.reported.has(key)) return;
  ctx.reported.add(key);
  log();
}

async function runOne(ctx: DigestRunContext, def: DigestDef, now: number): Promise<void> {
  const { store, service, logger } = ctx;
  const schedule = service.schedules.get(def.name);
  if (!schedule || schedule.problem) {
    reportOnce(ctx, `schedule:${def.name}`, () => logger.error({ digest: def.name, problem: schedule?.problem }, 'digest not scheduled'));
    return;
  }
  const key = digestKey(def.name);
  const cur = await store.get<DigestState>(key);
  if (!cur) {
    // First sight: nothing is owed for times before the bot watched; the counters now are the first baseline.
    const snapshot = await service.snapshotNow();
    await store.compareAndSet<DigestState>(key, 0, { lastSlot: now, lastPosted: null, ...(snapshot ? { snapshot } : {}) });
    return;
  }
  const st = cur.value;
  const slot = schedule.latest(now);
  if (slot === null || slot <= st.lastSlot) {
    if (!st.snapshot) {
      const snapshot = await service.snapshotNow();
      if (snapshot) await mutate<DigestState>(store, key, (s) => (s && !s.snapshot ? { ...s, snapshot } : undefined));
    }
    return;
  }
  if (now - slot > MAX_LATE_MS) {
    logger.warn(
      { digest: def.name, scheduledFor: new Date(slot).toISOString(), lateMs: now - slot },
      'digest skipped: its time passed more than an hour ago',
    );
    await mutate<DigestState>(store, key, (s) => (s && s.lastSlot < slot ? { ...s, lastSlot: slot } : undefined));
    return;
  }
  const targets = targetsFor(def.channels, ctx.posters);
  if (targets.length === 0) {
    reportOnce(ctx, `targets:${def.name}`, () =>
      logger.warn({ digest: def.name }, 'digest has no channel on a connected platform; nothing posted'),
    );
    await mutate<DigestState>(store, key, (s) => (s && s.lastSlot < slot ? { ...s, lastSlot: slot } : undefined));
    return;
  }
  const { figures, snapshot } = await service.build(def, slot, st);
  const rendered = renderDigest(figures);
  let complete = true;
  for (const t of targets) {
    try {
      const posted = await ctx.delivery.postOnce(`post:digest:${def.name}:${slot}:${targetKey(t)}`, t, rendered);
      // Another process is posting it: done only once that one is recorded (if it dies, its lease runs out and this one posts).
      if (!posted) complete = false;
      else if (posted.fresh) {
        logger.info({ digest: def.name, platform: t.poster.platform, channel: t.channelId, messageId: posted.messageId }, 'digest posted');
      }
    } catch (e) {
      complete = false;
      logger.error({ err: e, digest: def.name, platform: t.poster.platform, channel: t.channelId }, 'digest post failed; will retry');
    }
  }
  if (!complete) return;
  await mutate<DigestState>(store, key, (s) => {
    if (s && s.lastSlot >= slot) return undefined;
    return {
      lastSlot: slot,
      lastPosted: slot,
      ...((snapshot ?? s?.snapshot) ? { snapshot: snapshot ?? s?.snapshot } : {}),
      previous: { start: figures.start, end: figures.end, cost: figures.cost.cur, errorShare: figures.errorShare.cur },
    };
  });
}

/** Milliseconds until the next digest is due (for the timer), or null when none is scheduled. */
export function untilNextDigest(service: DigestService, now: number): number | null {
  let best: number | null = null;
  for (const s of service.schedules.values()) {
    const n = s.next(now);
    if (n !== null && (best === null || n < best)) best = n;
  }
  return best === null ? null : best - now;
}
