/** The operations surface: metrics, and the /healthz, /readyz, /metrics routes over this bot's store and Plexus. */
import type { Logger } from 'pino';
import type { PlexusApi } from '../base/plexus-api.js';
import type { StateRecords } from '../core/state.js';
import { plexusCheck, storeCheck } from './checks.js';
import { opsRoutes, type HttpRoute } from './endpoints.js';
import type { BotMetrics } from './metrics.js';
import { checkReadiness } from './readiness.js';

export { BotMetrics } from './metrics.js';
export type { HttpRoute } from './endpoints.js';

export interface OpsOptions {
  replica: string;
  metrics: BotMetrics;
  plexus: PlexusApi;
  /** The state store in use, once there is one. */
  store: () => Pick<StateRecords, 'get'> | undefined;
  logger: Logger;
  /** Per check (default 2000 ms). */
  timeoutMs?: number;
}

export function botRoutes(o: OpsOptions): HttpRoute[] {
  const timeoutMs = o.timeoutMs ?? 2000;
  const checks = { store: storeCheck(o.store), plexus: plexusCheck(o.plexus, timeoutMs) };
  return opsRoutes({
    metrics: o.metrics,
    logger: o.logger,
    readiness: () => checkReadiness({ replica: o.replica, checks, timeoutMs }),
  });
}
