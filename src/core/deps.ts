import type { Logger } from 'pino';
import type { PlexusApi } from '../base/plexus-api.js';
import type { Reply } from '../render/reply.js';
import type { Clock } from './clock.js';

/** One configured digest as `digest list` shows it. */
export interface DigestInfo {
  name: string;
  schedule: string;
  timezone: string;
  range: string;
  /** `slack:C0LLMOPS` */
  channels: string[];
  /** Epoch ms; null when the schedule is invalid or never fires again. */
  nextRun: number | null;
  /** The last scheduled time posted, when the watchers keep state. */
  lastPosted: number | null;
  /** Why it cannot run (a bad cron expression). */
  problem?: string;
}

/** Scheduled digests (src/watch), for the `digest` commands. */
export interface DigestsApi {
  list(): Promise<DigestInfo[]>;
  /** Builds a digest as of now; posts and remembers nothing. `data` is the figures, for --json. */
  preview(name: string): Promise<{ reply: Reply; data: unknown }>;
}

/** How long an alert may be snoozed, in hours (its buttons offer these). */
export const SNOOZE_HOURS = [1, 4, 24] as const;

export type SnoozeResult = { status: 'snoozed'; until: number } | { status: 'unknown' } | { status: 'resolved' };

/** The watchers' alerts (src/watch), for the `alerts` commands. */
export interface AlertsApi {
  /** Leaves one active alert alone until `hours` from now (no edits, no new message); its message says who. */
  snooze(ref: string, hours: number, by: string): Promise<SnoozeResult>;
}

/** Every effect the core and the commands use, passed in from main.ts (no singletons). */
export interface Deps {
  plexus: PlexusApi;
  clock: Clock;
  logger: Logger;
  /** Where private files (backups, exports) are written by the console. */
  stateDir: string;
  /** Absent when digests are not wired (the `digest` commands then say so). */
  digests?: DigestsApi;
  /** Absent when alerts are not wired. */
  alerts?: AlertsApi;
}
