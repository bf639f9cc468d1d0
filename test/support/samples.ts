/** The recorded answers of a real Plexus server, kept in test/fixtures/samples (a copy of the API contract's samples). */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const samplesDir = path.join(repoRoot, 'test/fixtures/samples');

export interface Sample {
  name: string;
  request: { method: string; path: string; body?: unknown };
  status: number;
  content_type?: string;
  headers?: Record<string, string>;
  body: unknown;
}

export function loadSample(name: string): Sample {
  const file = path.join(samplesDir, `${name}.json`);
  return { name, ...(JSON.parse(readFileSync(file, 'utf8')) as Omit<Sample, 'name'>) };
}

export const sampleBody = (name: string): unknown => loadSample(name).body;

export const sampleNames = (): string[] =>
  readdirSync(samplesDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
