/** What /readyz asks: the state store and Plexus, each a cheap read. */
import type { PlexusApi } from '../base/plexus-api.js';
import { mgmtPath } from '../plexus/path.js';
import type { StateRecords } from '../core/state.js';
import type { ReadinessCheck } from './readiness.js';

const PROBE_KEY = 'readyz:probe';

/** A read of a key nobody writes; `not configured` when the bot keeps no state. */
export const storeCheck =
  (store: () => Pick<StateRecords, 'get'> | undefined): ReadinessCheck =>
  async () => {
    const s = store();
    if (!s) return 'not configured';
    await s.get(PROBE_KEY);
    return undefined;
  };

/** The config status endpoint: answers fast, and only to a valid admin key. */
export const plexusCheck =
  (plexus: PlexusApi, timeoutMs: number): ReadinessCheck =>
  async () => {
    await plexus.request('GET', mgmtPath('config', 'status'), { timeoutMs });
    return undefined;
  };
