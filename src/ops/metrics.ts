/**
 * The bot's own Prometheus metrics, on a registry of their own (never
 * prom-client's global one). The layers below report through small hooks
 * (`onOutcome`, `onCall`, `onDelivery`), so only this module knows prom-client.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { OutcomeObservation } from '../core/pipeline.js';
import type { PlexusCall } from '../plexus/client.js';
import type { DeliveryObservation } from '../watch/delivery.js';

const PREFIX = 'plexus_chatops_';
/** A line that named no command (unknown, unparsable) or a click that ran none. */
const NO_COMMAND = '(none)';

export class BotMetrics {
  readonly registry = new Registry();
  readonly #commands: Counter<'command' | 'outcome'>;
  readonly #duration: Histogram<'command'>;
  readonly #plexusCalls: Counter<'method' | 'route' | 'status'>;
  readonly #plexusDuration: Histogram<'method' | 'route'>;
  readonly #deliveries: Counter<'kind' | 'action' | 'platform' | 'outcome'>;
  readonly #leader: Gauge;
  readonly #queues = new Map<string, () => number | undefined>();

  /** `processMetrics`: also Node's own (memory, event loop, GC); once per process, since they watch the runtime. */
  constructor(opts: { replica: string; processMetrics?: boolean }) {
    const registers = [this.registry];
    this.#commands = new Counter({
      name: `${PREFIX}commands_total`,
      help: 'Command lines and clicks handled, by command and outcome (ok, error, denied, pending, cancelled).',
      labelNames: ['command', 'outcome'],
      registers,
    });
    this.#duration = new Histogram({
      name: `${PREFIX}command_duration_seconds`,
      help: 'Time from a line arriving at the pipeline to its answer, by command.',
      labelNames: ['command'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.#plexusCalls = new Counter({
      name: `${PREFIX}plexus_calls_total`,
      help: 'Attempts at the Plexus management API, by method, route template and status (or timeout, unreachable).',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.#plexusDuration = new Histogram({
      name: `${PREFIX}plexus_call_duration_seconds`,
      help: 'Time of one attempt at the Plexus management API, by method and route template.',
      labelNames: ['method', 'route'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
      registers,
    });
    this.#deliveries = new Counter({
      name: `${PREFIX}deliveries_total`,
      help: 'Alert and digest messages posted or edited, by kind, action, platform and outcome.',
      labelNames: ['kind', 'action', 'platform', 'outcome'],
      registers,
    });
    const queues = this.#queues;
    new Gauge({
      name: `${PREFIX}queue_depth`,
      help: 'Work waiting or in flight, by queue (plexus: management API calls; delivery: alert and digest posts).',
      labelNames: ['queue'],
      registers,
      collect() {
        this.reset();
        for (const [queue, read] of queues) {
          const n = read();
          if (n !== undefined) this.set({ queue }, n);
        }
      },
    });
    this.#leader = new Gauge({
      name: `${PREFIX}leader`,
      help: '1 while this replica runs the watchers (alerts and digests), else 0.',
      registers,
    });
    this.#leader.set(0);
    new Gauge({ name: `${PREFIX}replica_info`, help: 'This replica, by name.', labelNames: ['replica'], registers }).set(
      { replica: opts.replica },
      1,
    );
    if (opts.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
  }

  readonly onOutcome = (o: OutcomeObservation): void => {
    const command = o.command ?? NO_COMMAND;
    this.#commands.inc({ command, outcome: o.status });
    this.#duration.observe({ command }, Math.max(0, o.durationMs) / 1000);
  };

  readonly onPlexusCall = (c: PlexusCall): void => {
    this.#plexusCalls.inc({ method: c.method, route: c.route, status: c.status });
    this.#plexusDuration.observe({ method: c.method, route: c.route }, Math.max(0, c.ms) / 1000);
  };

  readonly onDelivery = (d: DeliveryObservation): void => {
    this.#deliveries.inc({ kind: d.kind, action: d.action, platform: d.platform, outcome: d.outcome });
  };

  /** Reads a queue's depth at each scrape; returns what stops reading it. */
  watchQueue(queue: string, read: () => number | undefined): () => void {
    this.#queues.set(queue, read);
    return () => {
      if (this.#queues.get(queue) === read) this.#queues.delete(queue);
    };
  }

  setLeader(leading: boolean): void {
    this.#leader.set(leading ? 1 : 0);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
