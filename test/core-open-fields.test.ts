import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildArgs } from '../src/core/args-build.js';
import { bool, int, list, word } from '../src/core/args.js';
import { defineCommand } from '../src/core/command.js';
import { BotError } from '../src/base/errors.js';
import type { FieldValues } from '../src/core/open-fields.js';
import { parseLine } from '../src/core/parse.js';
import { openArgs } from '../src/commands/body-args.js';
import { reply } from '../src/render/reply.js';

const patch = defineCommand({
  words: ['things', 'patch'],
  summary: 'test',
  usage: '<slug> name=value... [{json}]',
  tier: 'write',
  positional: ['slug'],
  args: openArgs({ slug: word('<slug>') }),
  fields: {
    spec: { label: z.string(), tags: list(), enabled: bool(), 'limits.perMinute': int({ min: 1 }) },
    refuse: { secret: ({ slug }) => new BotError('INVALID_ARGS', `no secrets for ${String(slug)} here`) },
  },
  calls: [],
  run: async () => reply({ title: 'x' }),
});

/** The args a line gives the command, as the pipeline builds them. */
const argsOf = (line: string) => {
  const parsed = parseLine(line);
  return buildArgs(patch, parsed, parsed.words.slice(2)) as { slug: string; fields: FieldValues };
};

const refusal = (line: string): BotError => {
  try {
    argsOf(line);
  } catch (e) {
    if (e instanceof BotError) return e;
    throw e;
  }
  throw new Error(`accepted: ${line}`);
};

describe('open name=value fields', () => {
  it('gives the command its positionals and the fields typed by the spec, dotted names as objects', () => {
    const a = argsOf('things patch alpha label="Alpha one" tags=a,b enabled=yes limits.perMinute=30');
    expect(a.slug).toBe('alpha');
    expect(a.fields.body).toEqual({ label: 'Alpha one', tags: ['a', 'b'], enabled: true, limits: { perMinute: 30 } });
    expect([...a.fields.dotted]).toEqual(['limits']);
    expect(Object.keys(a).sort()).toEqual(['fields', 'slug']);
  });

  it('merges the JSON body over the pairs, checking the fields it knows and keeping the rest as given', () => {
    const a = argsOf('things patch alpha label=old limits.perMinute=5 {"label":"new","limits":{"perHour":9},"extra":[1]}');
    expect(a.fields.body).toEqual({ label: 'new', limits: { perHour: 9 }, extra: [1] });
    expect(a.fields.dotted.size).toBe(0);
    expect(refusal('things patch alpha {"enabled":"sometimes"}').message).toBe('`things patch`: enabled: expected true or false.');
  });

  it('names unknown fields with the ones it takes, and wrong values and flags with the usage line', () => {
    const unknown = refusal('things patch alpha colour=red');
    expect(unknown.message).toBe('`things patch`: unknown field colour=.');
    expect(unknown.hints).toEqual(['Fields as name=value: label, tags, enabled, limits.perMinute. Anything else goes in the JSON body.']);
    const bad = refusal('things patch alpha limits.perMinute=0');
    expect(bad.message).toMatch(/^`things patch`: limits\.perMinute: /);
    expect(bad.hints).toEqual(['Usage: things patch <slug> name=value... [{json}]']);
    expect(refusal('things patch alpha --force label=x').message).toBe('`things patch` takes no flag --force.');
  });

  it('refuses a refused field first, as a pair, a flag or in the body, with the positionals at hand', () => {
    const lines = ['things patch alpha secret=s3cr3t colour=red', 'things patch alpha --secret', 'things patch alpha {"secret":"x"}'];
    for (const line of lines) {
      expect(refusal(line).message).toBe('no secrets for alpha here');
    }
  });

  it('still wants its positionals before anything else', () => {
    expect(refusal('things patch colour=red').message).toBe('`things patch`: missing <slug>.');
  });
});
