import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { DigestInfo, DigestsApi } from '../core/deps.js';
import { BotError } from '../base/errors.js';
import { mgmtPath } from '../plexus/path.js';
import type { PlexusApi } from '../base/plexus-api.js';
import type { Reply } from '../render/reply.js';
import { buildDigest, type DigestDef, type DigestFigures, type PeriodFigures } from './digest-build.js';
import { renderDigest } from './digest-render.js';
import { snapshotOf, type CounterSnapshot } from './metrics-snapshot.js';
import { Schedule } from './scheduler.js';
import type { StateStore } from './state-store.js';

/** What the store keeps per digest. */
export interface DigestState {
  /** The last scheduled time dealt with (posted, or skipped as too late). */
  lastSlot: number;
  lastPosted: number | null;
  /** Metrics counters at the last digest (or when watching began): the next digest's baseline. */
  snapshot?: CounterSnapshot;
  previous?: PeriodFigures;
}

export const digestKey = (name: string): string => `digest:${name}`;

/** Offered for previews when no digest is configured, so `digest now daily` always shows something. */
export const BUILT_IN_PREVIEW: DigestDef = { name: 'daily', schedule: '0 9 * * *', timezone: 'UTC', range: 'day', channels: {} };

export interface DigestServiceOptions {
  digests: readonly DigestDef[];
  plexus: PlexusApi;
  clock: Clock;
  logger: Logger;
  /** Keys whose quotas count for "closest to the limit" (alerts.keys; default all). */
  keys: readonly string[];
}

/** Digest definitions, their schedules and the builder, shared by the scheduler and the `digest` commands. */
export class DigestService implements DigestsApi {
  private store: StateStore | undefined;
  readonly schedules = new Map<string, Schedule>();

  constructor(readonly opts: DigestServiceOptions) {
    for (const d of opts.digests) this.schedules.set(d.name, new Schedule(d.schedule, d.timezone));
  }

  /** The watchers' store: previews then use the kept metrics snapshot, and `list` the last post. */
  attachStore(store: StateStore): void {
    this.store = store;
  }

  async state(name: string): Promise<DigestState | undefined> {
    return this.store ? (await this.store.get<DigestState>(digestKey(name)))?.value : undefined;
  }

  async list(): Promise<DigestInfo[]> {
    const now = this.opts.clock.now();
    return Promise.all(
      this.opts.digests.map(async (d) => {
        const s = this.schedules.get(d.name);
        const st = await this.state(d.name).catch(() => undefined);
        return {
          name: d.name,
          schedule: d.schedule,
          timezone: d.timezone,
          range: d.range,
          channels: Object.entries(d.channels).flatMap(([p, c]) => (c ? [`${p}:${c}`] : [])),
          nextRun: s?.next(now) ?? null,
          lastPosted: st?.lastPosted ?? null,
          ...(s?.problem ? { problem: s.problem } : {}),
        };
      }),
    );
  }

  /** Builds one digest; the figures and the snapshot to keep. */
  build(def: DigestDef, end: number, st: DigestState | undefined): Promise<{ figures: DigestFigures; snapshot?: CounterSnapshot }> {
    return buildDigest({
      plexus: this.opts.plexus,
      logger: this.opts.logger,
      def,
      end,
      now: this.opts.clock.now(),
      baseline: st?.snapshot,
      previous: st?.previous,
      keys: this.opts.keys,
    });
  }

  async preview(name: string): Promise<{ reply: Reply; data: unknown }> {
    const configured = this.opts.digests.find((d) => d.name === name);
    const def = configured ?? (this.opts.digests.length === 0 && name === BUILT_IN_PREVIEW.name ? BUILT_IN_PREVIEW : undefined);
    if (!def) {
      const names = this.opts.digests.map((d) => `\`${d.name}\``);
      throw new BotError('INVALID_ARGS', `No digest named \`${name}\` is configured.`, {
        hints: [
          names.length > 0
            ? `Configured: ${names.join(', ')}.`
            : `No digest is configured; \`digest now ${BUILT_IN_PREVIEW.name}\` previews a daily one.`,
        ],
      });
    }
    const { figures } = await this.build(def, this.opts.clock.now(), configured ? await this.state(name) : undefined);
    const note = configured
      ? 'Preview for you only: nothing was posted to the digest channels.'
      : 'No digest is configured: this previews a daily one (range day, UTC). Add `digests:` to plexus-bot.yml to schedule it.';
    return { reply: renderDigest(figures, { preview: true, note }), data: figures };
  }

  /** Metrics counters now, or undefined when they cannot be read (logged). */
  async snapshotNow(): Promise<CounterSnapshot | undefined> {
    try {
      const r = await this.opts.plexus.requestRaw('GET', mgmtPath('metrics'));
      return snapshotOf(r.body.toString('utf8'), this.opts.clock.now());
    } catch (e) {
      this.opts.logger.warn({ err: e }, 'cannot read Plexus metrics for a digest baseline');
      return undefined;
    }
  }
}
