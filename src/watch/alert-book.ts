import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Reply } from '../render/reply.js';
import { ALERT_PREFIX, alertKey, isSnoozed, type AlertRecord } from './alert-model.js';
import { renderAlert } from './alert-render.js';
import { targetKey, type Delivery, type Target } from './delivery.js';
import { mutate, type StateStore } from './state-store.js';

/** Resolved alerts are forgotten after this (their messages stay as they are). */
const KEEP_RESOLVED_MS = 7 * 86_400_000;

const hashOf = (r: Reply): string => createHash('sha256').update(JSON.stringify(r)).digest('hex').slice(0, 16);

/**
 * The alerts and their messages. Watchers only change records (with
 * compare-and-set); `sync` then brings every message in line with its
 * record: a new post for a new occurrence (claimed with a lease), an edit
 * when the rendering changed. A crash at any point is repaired by the next
 * sync, of this process or after a restart: the record says what each
 * message should show, and a post whose id was stored with its claim but
 * not yet here is picked up from the claim.
 */
export class AlertBook {
  constructor(
    private readonly store: StateStore,
    private readonly delivery: Delivery,
    private readonly targets: Target[],
    private readonly logger: Logger,
    private readonly pollSeconds: number,
  ) {}

  async get(id: string): Promise<AlertRecord | undefined> {
    return (await this.store.get<AlertRecord>(alertKey(id)))?.value;
  }

  /** `update` gets the current record (or undefined) and returns the next one, or undefined for no change. */
  change(
    id: string,
    update: (cur: AlertRecord | undefined) => AlertRecord | undefined,
  ): Promise<{ value: AlertRecord | undefined; changed: boolean }> {
    return mutate<AlertRecord>(this.store, alertKey(id), update);
  }

  async all(): Promise<AlertRecord[]> {
    const out: AlertRecord[] = [];
    for (const k of await this.store.keys(ALERT_PREFIX)) {
      const r = await this.store.get<AlertRecord>(k);
      if (r) out.push(r.value);
    }
    return out;
  }

  async active(kind: AlertRecord['view']['kind']): Promise<AlertRecord[]> {
    return (await this.all()).filter((r) => r.state === 'active' && r.view.kind === kind);
  }

  async byRef(ref: string): Promise<AlertRecord | undefined> {
    return (await this.all()).find((r) => r.ref === ref);
  }

  /** Brings every message in line with its record. Never throws. */
  async sync(now: number, only?: string): Promise<void> {
    const broken = new Set<string>();
    let records: AlertRecord[];
    try {
      records = only ? [await this.get(only)].filter((r): r is AlertRecord => r !== undefined) : await this.all();
    } catch (e) {
      this.logger.error({ err: e }, 'cannot read alert state');
      return;
    }
    for (const r of records) {
      for (const t of this.targets) {
        const tk = targetKey(t);
        if (broken.has(tk)) continue;
        try {
          await this.syncOne(r, t, now);
        } catch (e) {
          // One failing channel must not hold up the others; the next sync retries.
          broken.add(tk);
          this.logger.error(
            { err: e, alert: r.id, platform: t.poster.platform, channel: t.channelId },
            'alert delivery failed; will retry',
          );
        }
      }
      if (r.state === 'resolved' && r.resolvedAt !== undefined && now - r.resolvedAt > KEEP_RESOLVED_MS && (r.periodEnd ?? 0) < now) {
        await this.store.delete(alertKey(r.id)).catch((e: unknown) => this.logger.warn({ err: e }, 'cannot prune alert'));
      }
    }
  }

  private async syncOne(r: AlertRecord, t: Target, now: number): Promise<void> {
    const tk = targetKey(t);
    const rendered = renderAlert(r, now, this.pollSeconds);
    const hash = hashOf(rendered);
    const sent = r.messages[tk];
    if (sent) {
      if (sent.hash === hash) return;
      await this.delivery.update(t, sent.messageId, rendered);
      await this.record(r, tk, { messageId: sent.messageId, hash });
      return;
    }
    // Nothing is posted for an alert that is over, or silenced.
    if (r.state !== 'active' || isSnoozed(r, now)) return;
    // An earlier attempt may have posted it and crashed before noting it here: its message id is kept with the claim.
    const posted = await this.delivery.postOnce(`post:${r.occurrence}:${tk}`, t, rendered);
    if (posted?.messageId === undefined) return;
    const { messageId } = posted;
    if (posted.fresh) this.logger.info({ alert: r.id, platform: t.poster.platform, channel: t.channelId, messageId }, 'alert posted');
    await this.record(r, tk, { messageId, hash });
  }

  /** Notes what a message shows, on the same occurrence (a newer one has messages of its own). */
  private async record(r: AlertRecord, tk: string, sent: { messageId: string; hash: string }): Promise<void> {
    await this.change(r.id, (cur) => {
      if (!cur || cur.occurrence !== r.occurrence) return undefined;
      const prev = cur.messages[tk];
      if (prev && prev.messageId === sent.messageId && prev.hash === sent.hash) return undefined;
      return { ...cur, messages: { ...cur.messages, [tk]: sent } };
    });
  }
}
