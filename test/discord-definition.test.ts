import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { buildCommandDefinition, RUN, routeKey } from '../adapters/discord/command-definition.js';
import { commandLine, quoteToken } from '../adapters/discord/command-line.js';
import type { OptionJSON } from '../adapters/discord/discord-limits.js';
import { commands } from '../src/commands/index.js';
import { args, bool, flag, int, list, word } from '../src/core/args.js';
import { buildArgs } from '../src/core/args-build.js';
import { defineCommand, type Command } from '../src/core/command.js';
import { parseLine } from '../src/core/parse.js';
import { Registry } from '../src/core/registry.js';
import { reply } from '../src/render/reply.js';
import { commandProblems } from './fakes/discord-validate.js';

const cmd = (words: string[], extra: Partial<Parameters<typeof defineCommand>[0]> = {}): Command =>
  defineCommand({
    words,
    summary: `Do ${words.join(' ')}.`,
    tier: 'read',
    args: args({}),
    calls: [],
    run: async () => reply(),
    ...extra,
  }) as Command;

/** The subcommand JSON for a route key, from the generated definition. */
function subcommand(options: OptionJSON[], key: string): OptionJSON | undefined {
  const [a, b] = key.split(' ');
  const top = options.find((o) => o.name === a);
  return b === undefined ? top : top?.options?.find((o) => o.name === b);
}

describe('the /plexus definition from the registry', () => {
  const def = buildCommandDefinition(commands);

  it('satisfies Discord limits', () => {
    expect(commandProblems(def.json)).toEqual([]);
  });

  it('reaches every command: as a subcommand or through run', () => {
    const routed = [...def.routes.values()].flatMap((r) => (r.command ? [r.command] : []));
    for (const c of commands) expect(routed.includes(c) !== def.folded.includes(c)).toBe(true);
    expect(routed.length + def.folded.length).toBe(commands.length);
    const run = subcommand(def.json.options, RUN)!;
    expect(def.json.options.at(-1)).toBe(run);
    expect(run.options?.[0]).toMatchObject({ name: 'command', type: 3, required: true, autocomplete: true });
  });

  it('makes areas groups and single-word commands top-level subcommands', () => {
    for (const c of commands.filter((x) => !def.folded.includes(x))) {
      const json = subcommand(
        def.json.options,
        routeKey(c.words.length > 1 ? c.words[0] : undefined, c.words.length > 1 ? c.words.slice(1).join('-') : c.words[0]!),
      );
      expect(json?.type, c.name).toBe(1);
    }
    for (const single of ['help', 'whoami', 'restart', 'backup', 'restore'])
      expect(def.json.options.find((o) => o.name === single)?.type).toBe(1);
  });

  it('types options from the zod schemas', () => {
    const providersDelete = def.routes.get('providers delete');
    if (providersDelete) {
      const json = subcommand(def.json.options, 'providers delete')!;
      expect(json.options?.map((o) => [o.name, o.type, Boolean(o.required)])).toEqual([
        ['slug', 3, true],
        ['cascade', 5, false],
      ]);
      expect(json.options?.[0]?.autocomplete).toBe(true);
    }
    const summary = subcommand(def.json.options, 'usage summary')!;
    expect(summary.options?.find((o) => o.name === 'range')?.choices?.map((c) => c.value)).toEqual(['hour', 'day', 'week', 'month']);
    expect(subcommand(def.json.options, 'restore')!.options).toEqual([
      expect.objectContaining({ name: 'backup', type: 11, required: true }),
    ]);
  });
});

describe('fitting Discord limits', () => {
  const many = (): Command[] => {
    const out: Command[] = [cmd(['help'], { rest: 'topic', args: args({ topic: z.string().optional() }) })];
    for (let a = 0; a < 30; a++) {
      for (let i = 0; i < 6; i++) {
        out.push(
          cmd([`area${a}`, `action${i}`], {
            summary: 'A rather long summary of what this action does to the gateway, so that descriptions cost characters.',
            tier: (['read', 'write', 'destructive'] as const)[i % 3]!,
            positional: ['name'],
            args: args({
              name: word(),
              limit: int({ min: 1, max: 500 }).default(20),
              mode: z.enum(['fast', 'slow']).optional(),
              tags: list().optional(),
              dry: flag(),
            }),
          }),
        );
      }
    }
    return out;
  };

  it('folds what does not fit behind run, keeping help and staying within every limit', () => {
    const all = many();
    const def = buildCommandDefinition(all);
    expect(commandProblems(def.json)).toEqual([]);
    expect(def.folded.length).toBeGreaterThan(0);
    expect(def.folded.map((c) => c.name)).not.toContain('help');
    expect(def.routes.size - 1 + def.folded.length).toBe(all.length);
  });

  it('folds destructive commands before reads when characters run out', () => {
    const all = many().slice(0, 1 + 6 * 8);
    const def = buildCommandDefinition(all, { budget: 4000 });
    expect(commandProblems(def.json)).toEqual([]);
    const tiers = new Set(def.folded.map((c) => c.tier));
    expect(tiers.has('destructive')).toBe(true);
    if (tiers.has('read'))
      expect(def.folded.filter((c) => c.tier === 'destructive')).toHaveLength(all.filter((c) => c.tier === 'destructive').length);
  });

  it('takes overflowing options as one `more` text option, and long enums without choices', () => {
    const shape = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`opt${i}`, z.string().optional()]));
    const wide = cmd(['wide', 'thing'], {
      positional: ['id'],
      args: args({
        id: word(),
        ...shape,
        color: z.enum(Array.from({ length: 30 }, (_, i) => `c${i}`) as [string, ...string[]]).optional(),
      }),
    });
    const def = buildCommandDefinition([wide]);
    const json = subcommand(def.json.options, 'wide thing')!;
    expect(commandProblems(def.json)).toEqual([]);
    expect(json.options?.[0]).toMatchObject({ name: 'id', required: true });
    expect(json.options?.map((o) => o.name)).toContain('more');
    expect(commandLine(def.routes.get('wide thing')!, { id: 'x', more: 'opt7=a opt29=b' })).toBe('wide thing x opt7=a opt29=b');
  });

  it('sends clashing names through run', () => {
    const def = buildCommandDefinition([cmd(['status']), cmd(['status', 'all']), cmd(['run']), cmd(['Odd Area', 'go'])]);
    expect(def.folded.map((c) => c.name)).toEqual(['status', 'run']);
    expect(def.routes.get('odd-area go')?.command?.name).toBe('Odd Area go');
    expect(commandProblems(def.json)).toEqual([]);
  });
});

describe('options back to a command line', () => {
  const tricky = [
    'plain',
    'two words',
    'a=b',
    '--flag',
    '{"json":1}',
    'say "hi"',
    "it's",
    `both "double" and 'single'`,
    'back\\slash',
    'ümlaut',
  ];

  it('quotes any value so the parser reads it back unchanged', () => {
    for (const v of tricky) {
      expect(parseLine(`x ${quoteToken(v)}`).words, v).toEqual(['x', v]);
      expect(parseLine(`x n=${quoteToken(v, { named: true })}`).named.n, v).toBe(v);
    }
  });

  it('builds the args the command would get from the console', () => {
    const c = cmd(['keys', 'make'], {
      positional: ['name', 'region'],
      args: args({
        name: word(),
        region: z.string().optional(),
        comment: z.string().optional(),
        quotas: list().optional(),
        limit: int().optional(),
        shared: bool().optional(),
        cascade: flag(),
      }),
    });
    const registry = new Registry([c]);
    const def = buildCommandDefinition([c]);
    const route = def.routes.get('keys make')!;
    const cases: [Record<string, string | number | boolean>, Record<string, unknown>][] = [
      [
        { name: 'ci runner', comment: 'say "hi"', quotas: 'a,b', limit: 5, shared: false, cascade: true },
        { name: 'ci runner', comment: 'say "hi"', quotas: ['a', 'b'], limit: 5, shared: false, cascade: true },
      ],
      // A later positional without the earlier one is sent by name.
      [
        { name: 'x', cascade: false },
        { name: 'x', cascade: false },
      ],
      [
        { name: '--x=1', region: '{eu}' },
        { name: '--x=1', region: '{eu}', cascade: false },
      ],
    ];
    for (const [values, expected] of cases) {
      const line = commandLine(route, values);
      const parsed = parseLine(line);
      const resolved = registry.resolve(parsed.words)!;
      expect(buildArgs(c, parsed, resolved.rest), line).toEqual(expected);
    }
    expect(commandLine(route, { name: 'a', public: true })).toBe('keys make a --public');
    expect(commandLine(def.routes.get(RUN)!, { command: 'providers list', public: true })).toBe('providers list --public');
  });
});
