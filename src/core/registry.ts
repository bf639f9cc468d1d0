import { distance } from 'fastest-levenshtein';
import type { Command } from './command.js';

export interface Resolved {
  command: Command;
  /** Words after the command's own words: positional values. */
  rest: string[];
}

/** The set of commands, looked up by their leading words (longest match wins). */
export class Registry {
  private readonly byName = new Map<string, Command>();

  constructor(commands: readonly Command[]) {
    for (const c of commands) {
      if (this.byName.has(c.name)) throw new Error(`Command defined twice: ${c.name}`);
      this.byName.set(c.name, c);
    }
  }

  all(): Command[] {
    return [...this.byName.values()];
  }

  get(name: string): Command | undefined {
    return this.byName.get(name);
  }

  resolve(words: string[]): Resolved | undefined {
    const lower = words.map((w) => w.toLowerCase());
    for (let n = Math.min(lower.length, 4); n > 0; n--) {
      const command = this.byName.get(lower.slice(0, n).join(' '));
      if (command) return { command, rest: words.slice(n) };
    }
    return undefined;
  }

  closest(words: string[], max = 3): Command[] {
    return closestCommands(this.all(), words, max);
  }

  areas(): string[] {
    return [...new Set(this.all().map((c) => c.words[0]!))];
  }
}

/** Commands whose name is closest to what was typed, best first. */
export function closestCommands(commands: readonly Command[], words: string[], max = 3): Command[] {
  const typed = words.slice(0, 3).join(' ').toLowerCase();
  if (!typed) return [];
  const first = words[0]?.toLowerCase() ?? '';
  const scored = commands.map((c) => {
    const prefix = c.name.split(' ').slice(0, Math.max(1, words.length)).join(' ');
    let score = Math.min(distance(typed, prefix), distance(typed, c.name));
    if (c.words[0] === first) score -= 2;
    return { c, score };
  });
  const limit = Math.max(2, Math.floor(typed.length / 2));
  return scored
    .filter((s) => s.score <= limit)
    .sort((a, b) => a.score - b.score || a.c.name.localeCompare(b.c.name))
    .slice(0, max)
    .map((s) => s.c);
}
