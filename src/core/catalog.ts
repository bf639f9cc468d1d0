import type { Command } from './command.js';

export interface CatalogEntry {
  command: string;
  tier: string;
  private: boolean;
  method: string | null;
  path: string | null;
}

/**
 * One entry per API call a command makes (a command without calls gets one
 * with nulls); a call made only by some uses carries the tier of those uses.
 */
export function catalog(commands: readonly Command[]): CatalogEntry[] {
  return commands.flatMap((c): CatalogEntry[] => {
    const base = { command: c.name, tier: c.tier, private: Boolean(c.private) };
    return c.calls.length === 0
      ? [{ ...base, method: null, path: null }]
      : c.calls.map((call) => ({ ...base, tier: call.tier ?? c.tier, method: call.method, path: call.path }));
  });
}
