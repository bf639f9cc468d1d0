import type { Command, Tier } from './command.js';

/**
 * Who sees an answer: `private` holds a secret (the requester alone, and never
 * a channel whatever the flags), `requester` is the requester's alone
 * (reads, refusals, mistakes), `channel` is for the team (changes, and reads
 * given `--public`).
 */
export type Audience = 'private' | 'requester' | 'channel';

export type AudienceWhy =
  | 'unparsed'
  | 'unknown'
  | 'private'
  | 'secret'
  | 'refused'
  | 'invalid'
  | 'read'
  | 'public-read'
  | 'change'
  | 'quiet';

/** Decided before anything runs (Discord fixes a response's visibility with its first callback). */
export interface Decision {
  audience: Audience;
  why: AudienceWhy;
  command?: Command;
  /** The tier this use needs, after `tierFor`; absent when the line was refused before it was known. */
  tier?: Tier;
  /** A destructive use: it asks the requester before it runs. */
  confirm: boolean;
}

/** A line that will run: secrets stay private, reads with the requester unless `--public`, changes go to the team. */
type Decided = Pick<Decision, 'audience' | 'why'>;

export function audienceOfUse(use: {
  command: Pick<Command, 'private' | 'quiet'>;
  tier: Tier;
  secretLine: boolean;
  public: boolean;
}): Decided {
  if (use.command.private) return { audience: 'private', why: 'private' };
  if (use.secretLine) return { audience: 'private', why: 'secret' };
  if (use.tier !== 'read') return use.command.quiet ? { audience: 'requester', why: 'quiet' } : { audience: 'channel', why: 'change' };
  return use.public ? { audience: 'channel', why: 'public-read' } : { audience: 'requester', why: 'read' };
}

/** A line refused before it ran: its answer is the requester's, privately when the line or the command holds a secret. */
export function audienceOfRefusal(why: AudienceWhy, use: { command?: Pick<Command, 'private'>; secretLine: boolean }): Decided {
  if (use.command?.private) return { audience: 'private', why: 'private' };
  if (use.secretLine) return { audience: 'private', why: 'secret' };
  return { audience: 'requester', why };
}

/** After the outcome: what failed, waits or is cancelled goes back to the requester alone; a private reply stays private. */
export function audienceOfOutcome(decided: Audience, outcome: { status: string; reply: { private?: boolean } }): Audience {
  if (decided === 'private' || outcome.reply.private) return 'private';
  if (outcome.status !== 'ok') return 'requester';
  return decided;
}
