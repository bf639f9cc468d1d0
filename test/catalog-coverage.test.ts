import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { commands } from '../src/commands/index.js';
import { catalog } from '../src/core/catalog.js';

const ROOT = new URL('..', import.meta.url).pathname;

interface Row {
  method: string;
  path: string;
}

/** Every `| action | `METHOD`[, `METHOD`] | `/path` |` row of the endpoint map (docs/endpoint-map.md). */
function endpointRows(markdown: string): Row[] {
  const rows: Row[] = [];
  for (const line of markdown.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 4) continue;
    const methods = [...(cells[2] ?? '').matchAll(/`([A-Z]+)`/g)].map((m) => m[1]!);
    const path = /^`(\/[^`]+)`$/.exec(cells[3] ?? '')?.[1];
    if (methods.length === 0 || !path) continue;
    for (const method of methods) rows.push({ method, path });
  }
  return rows;
}

/** `{slug}` and `{provider}` are the same shape; `?cascade=true` variants are the path's. */
const shape = (path: string): string =>
  path
    .split('?')[0]!
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\/+$/, '');

/** Curated commands: everything but the generic `api` passthrough. */
const curated = catalog(commands).filter((e) => !e.command.startsWith('api ') && e.method !== null && e.path !== null);

describe('the endpoint map is covered by curated commands', () => {
  const rows = endpointRows(readFileSync(new URL('../docs/endpoint-map.md', import.meta.url), 'utf8'));

  it('reads every method and path of the map, including multi-method rows and query variants', () => {
    const shown = rows.map((r) => `${r.method} ${r.path}`);
    expect(shown).toContain('GET /v0/management/config/failover');
    expect(shown).toContain('PATCH /v0/management/config/failover');
    expect(shown).toContain('PUT /v0/management/logging/modules');
    expect(shown).toContain('DELETE /v0/management/providers/{slug}?cascade=true');
    expect(shown).toContain('DELETE /v0/management/usage?olderThanDays=N');
    expect(shown).toContain('GET /v0/system/logs/stream');
    expect(rows.length).toBeGreaterThanOrEqual(85);
  });

  it('has a curated command for each of them (lists the ones missing)', () => {
    const covered = new Set(curated.map((e) => `${e.method} ${shape(e.path!)}`));
    const missing = rows.filter((r) => !covered.has(`${r.method} ${shape(r.path)}`)).map((r) => `${r.method} ${r.path}`);
    expect(missing, `endpoint map rows without a curated command:\n  ${missing.join('\n  ')}\n`).toEqual([]);
  });
});

describe('npm start -- --catalog', () => {
  it('prints the catalogue as JSON: {command, tier, private, method, path} per API call', async () => {
    const out = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--catalog'], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout }));
    });
    expect(out.code).toBe(0);
    const entries = JSON.parse(out.stdout) as Record<string, unknown>[];
    expect(Array.isArray(entries)).toBe(true);
    for (const e of entries) {
      expect(Object.keys(e).sort()).toEqual(['command', 'method', 'path', 'private', 'tier']);
      expect(typeof e.command).toBe('string');
      expect(['read', 'write', 'destructive']).toContain(e.tier);
      expect(typeof e.private).toBe('boolean');
      expect(e.method === null || ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(e.method as string)).toBe(true);
      expect(e.path === null || (typeof e.path === 'string' && e.path.startsWith('/'))).toBe(true);
    }
    const names = new Set(entries.map((e) => e.command));
    for (const c of commands) expect(names.has(c.name), c.name).toBe(true);
    expect(entries).toContainEqual({ command: 'help', tier: 'read', private: false, method: null, path: null });
    expect(entries).toContainEqual({ command: 'logs tail', tier: 'read', private: false, method: 'GET', path: '/v0/system/logs/stream' });
    expect(entries).toContainEqual({
      command: 'api call',
      tier: 'read',
      private: false,
      method: 'GET',
      path: '/.well-known/plexus/openapi.json',
    });
  });
});
