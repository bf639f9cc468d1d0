import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every module a file imports, resolved against the repository root (`src/plexus/client.ts`). */
function imports(file: string): string[] {
  const source = readFileSync(join(ROOT, file), 'utf8');
  return [...source.matchAll(/^\s*(?:import|export)\b[^;]*?from\s+'(\.[^']+)'/gm)].map((m) =>
    relative(ROOT, join(ROOT, file, '..', m[1]!)).replace(/\.js$/, '.ts'),
  );
}

const offending = (dir: string, forbidden: string) =>
  files(dir).flatMap((f) =>
    imports(f)
      .filter((i) => i.startsWith(forbidden))
      .map((i) => `${f} -> ${i}`),
  );

describe('dependencies point one way', () => {
  it('finds the imports it checks', () => {
    expect(imports('src/plexus/client.ts')).toContain('src/base/errors.ts');
  });

  it('src/core never imports src/plexus, nor src/plexus src/core', () => {
    expect(offending('src/core', 'src/plexus/')).toEqual([]);
    expect(offending('src/plexus', 'src/core/')).toEqual([]);
  });

  it('src/base imports nothing of the bot; src/watch never imports src/app or the wiring', () => {
    expect(files('src/base').flatMap((f) => imports(f))).toEqual([]);
    expect([...offending('src/watch', 'src/app.ts'), ...offending('src/watch', 'src/wiring.ts')]).toEqual([]);
  });

  it('src/commands keeps no WeakMap keyed by a run context and never assigns to ctx.args', () => {
    const found = files('src/commands').flatMap((f) => {
      const s = readFileSync(join(ROOT, f), 'utf8');
      return [
        ...[...s.matchAll(/new WeakMap<([^,>]+)/g)].filter((m) => !/PlexusApi/.test(m[1]!)).map(() => `${f}: WeakMap`),
        ...[...s.matchAll(/ctx\.args(?:\.\w+|\[[^\]]+\])\s*(?:[+\-*/]?=(?!=)|\+\+|--)/g)].map((m) => `${f}: ${m[0]}`),
      ];
    });
    expect(found).toEqual([]);
  });
});
