/**
 * Who sees the answer, decided before deferring (Discord fixes a response's
 * visibility with its first callback, and shows a public response's
 * invocation, options included, to the whole channel).
 */
import type { Actor } from '../../src/core/actor.js';
import type { Command } from '../../src/core/command.js';
import { parseLine } from '../../src/core/parse.js';
import { authorize, type AccessPolicy } from '../../src/core/policy.js';
import type { Registry } from '../../src/core/registry.js';
import { maskCommandLine } from '../../src/render/mask.js';

export type Why = 'unparsed' | 'unknown' | 'private' | 'secret' | 'refused' | 'read' | 'public-read' | 'change';

export interface Visibility {
  ephemeral: boolean;
  why: Why;
  command?: Command;
}

/**
 * Only the caller sees: lines that do not parse or name no command, commands
 * whose answer is private, lines carrying a secret-looking option, refusals,
 * and reads (unless `--public`). The channel sees writes and destructive
 * commands, so it knows who changed what. A command whose tier depends on its
 * arguments counts as a change when it is given values.
 */
export function decideVisibility(line: string, ctx: { registry: Registry; policy: AccessPolicy; actor: Actor }): Visibility {
  let parsed;
  try {
    parsed = parseLine(line);
  } catch {
    return { ephemeral: true, why: 'unparsed' };
  }
  const resolved = ctx.registry.resolve(parsed.words.length > 0 ? parsed.words : ['help']);
  if (!resolved) return { ephemeral: true, why: 'unknown' };
  const command = resolved.command;
  if (command.private) return { ephemeral: true, why: 'private', command };
  if (maskCommandLine(line) !== line) return { ephemeral: true, why: 'secret', command };
  if (!authorize(ctx.policy, ctx.actor, command).allowed) return { ephemeral: true, why: 'refused', command };
  if (command.tier === 'read') {
    const givenValues = Object.keys(parsed.named).length > 0 || parsed.body !== undefined;
    if (command.tierFor && givenValues) return { ephemeral: false, why: 'change', command };
    return parsed.flags.includes('public') ? { ephemeral: false, why: 'public-read', command } : { ephemeral: true, why: 'read', command };
  }
  return { ephemeral: false, why: 'change', command };
}
