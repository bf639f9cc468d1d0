import { createHash } from 'node:crypto';
import type { QuotaObs } from './quota-read.js';

/** What an alert message shows; stored with the alert so any replica can re-render it. */
export interface CooldownView {
  kind: 'cooldown';
  provider: string;
  model: string | null;
  failures: number | null;
  lastError: string | null;
  /** Epoch ms the cooldown runs until, as last seen. */
  expiry: number | null;
  /** Times it came back within a poll or two of ending (flapping). */
  reentries: number;
  resolved?: { at: number; lastedMs: number; early: boolean };
}

/** What a quota alert shows: the reading, plus the alert's own state. */
export interface QuotaView extends Omit<QuotaObs, 'id'> {
  kind: 'quota';
  /** Highest threshold reached this period. */
  level: number | null;
  forecast: string;
  exhaustAt: number | null;
  at: number;
  resolved?: { at: number; percent: number; reason: 'below' | 'reset' | 'gone' };
}

export interface PlexusView {
  kind: 'plexus';
  since: number;
  reason: string;
  resolved?: { at: number };
}

export type AlertView = CooldownView | QuotaView | PlexusView;

export interface SentMessage {
  messageId: string;
  /** Hash of the Reply the message shows now. */
  hash: string;
}

export interface Snooze {
  until: number;
  by: string;
  hours: number;
  /** The view at snooze time: the message is left as it was until the snooze ends. */
  view: AlertView;
}

export interface AlertRecord {
  id: string;
  /** Short stable id for button ids (Discord custom ids are limited to 100 characters). */
  ref: string;
  /** One opening of the alert: a new occurrence is a new message. */
  occurrence: string;
  state: 'active' | 'resolved';
  openedAt: number;
  resolvedAt?: number;
  view: AlertView;
  /** By target (`slack:C0ONCALL`). */
  messages: Record<string, SentMessage>;
  snooze?: Snooze;
  /** Quota alerts: the highest threshold reached this period, and when the period ends. */
  level?: number | null;
  periodEnd?: number | null;
}

export const ALERT_PREFIX = 'alert:';
export const alertKey = (id: string): string => `${ALERT_PREFIX}${id}`;
export const refOf = (id: string): string => createHash('sha256').update(id).digest('hex').slice(0, 12);

export function newRecord(id: string, view: AlertView, now: number, carry?: AlertRecord): AlertRecord {
  return {
    id,
    ref: refOf(id),
    occurrence: `${id}@${now}`,
    state: 'active',
    openedAt: now,
    view,
    messages: {},
    ...(carry?.snooze && carry.snooze.until > now ? { snooze: carry.snooze } : {}),
  };
}

export const isSnoozed = (r: AlertRecord, now: number): boolean => r.snooze !== undefined && r.snooze.until > now;

/** The view a message should show now: frozen while an active alert is snoozed. */
export const shownView = (r: AlertRecord, now: number): AlertView =>
  r.state === 'active' && r.snooze && isSnoozed(r, now) ? r.snooze.view : r.view;
