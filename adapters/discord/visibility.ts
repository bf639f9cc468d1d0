/**
 * Who sees the answer on Discord, from the core's decision, known before
 * deferring (Discord fixes a response's visibility with its first callback,
 * and shows a public response's invocation, options included, to the whole
 * channel): only the channel audience is a public response.
 */
import type { AudienceWhy, Decision } from '../../src/core/audience.js';
import type { Command } from '../../src/core/command.js';

export interface Visibility {
  ephemeral: boolean;
  why: AudienceWhy;
  command?: Command;
}

export const visibilityOf = (d: Decision): Visibility => ({
  ephemeral: d.audience !== 'channel',
  why: d.why,
  ...(d.command ? { command: d.command } : {}),
});
