import type { AlertsApi, SnoozeResult } from '../core/deps.js';
import type { Clock } from '../core/clock.js';
import type { AlertBook } from './alert-book.js';

/**
 * The `alerts` commands' way into the watchers' alert book. Built with the
 * app; the book is attached when the watchers start (until then, and after
 * they stop, there is nothing to snooze).
 */
export class AlertControls implements AlertsApi {
  private book: AlertBook | undefined;

  constructor(private readonly clock: Clock) {}

  /** Returns what detaches it again. */
  attach(book: AlertBook): () => void {
    this.book = book;
    return () => {
      if (this.book === book) this.book = undefined;
    };
  }

  get running(): boolean {
    return this.book !== undefined;
  }

  async snooze(ref: string, hours: number, by: string): Promise<SnoozeResult> {
    const book = this.book;
    if (!book) return { status: 'unknown' };
    const found = await book.byRef(ref);
    if (!found) return { status: 'unknown' };
    if (found.state !== 'active') return { status: 'resolved' };
    const now = this.clock.now();
    const until = now + hours * 3_600_000;
    await book.change(found.id, (cur) => {
      if (cur?.state !== 'active') return undefined;
      return { ...cur, snooze: { until, by, hours, view: cur.snooze && cur.snooze.until > now ? cur.snooze.view : cur.view } };
    });
    await book.sync(now, found.id);
    return { status: 'snoozed', until };
  }
}
