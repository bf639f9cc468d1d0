/**
 * Bundles the Plexus OpenAPI sources (openapi.yaml + the files it `$ref`s)
 * into one dereferenced JSON document, like the one the server serves at
 * `GET /.well-known/plexus/openapi.json`, for the demo gateway.
 *
 *   npx tsx scripts/bundle-openapi.ts <path/to/openapi.yaml> [out.json]
 *
 * Relative `$ref`s (`../components/schemas/X.yaml`, optionally with a
 * `#/json/pointer`) are inlined. A reference that would recurse into itself
 * is kept as an internal `#/components/schemas/<Name>` reference instead.
 * Internal `#/...` references are left as they are.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { parse } from 'yaml';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const files = new Map<string, Json>();
const hoisted: Record<string, Json> = {};

function load(file: string): Json {
  let doc = files.get(file);
  if (doc === undefined) {
    doc = parse(readFileSync(file, 'utf8')) as Json;
    files.set(file, doc);
  }
  return doc;
}

function pointer(doc: Json, fragment: string, where: string): Json {
  let node = doc;
  for (const raw of fragment
    .replace(/^\//, '')
    .split('/')
    .filter((p) => p !== '')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in node)) throw new Error(`${where}: no ${fragment}`);
    node = (node as Record<string, Json>)[key] as Json;
  }
  return node;
}

/** Inlines relative references in `node`, read from `file`; `seen` holds the targets being expanded (cycle guard). */
function deref(node: Json, file: string, seen: string[]): Json {
  if (Array.isArray(node)) return node.map((n) => deref(n, file, seen));
  if (node === null || typeof node !== 'object') return node;
  const ref = node.$ref;
  if (typeof ref === 'string' && !ref.startsWith('#')) {
    const [rel = '', fragment = ''] = ref.split('#');
    const target = resolve(dirname(file), rel);
    const id = `${target}#${fragment}`;
    const name = basename(target, extname(target));
    if (seen.includes(id)) {
      if (!(name in hoisted)) hoisted[name] = null; // filled once its own expansion finishes
      return { $ref: `#/components/schemas/${name}` };
    }
    const resolved = deref(pointer(load(target), fragment, target), target, [...seen, id]);
    if (name in hoisted && hoisted[name] === null && fragment === '') hoisted[name] = resolved;
    // Siblings of $ref (summary, description) override the target's, as OpenAPI 3.1 allows.
    const siblings = Object.fromEntries(Object.entries(node).filter(([k]) => k !== '$ref'));
    if (Object.keys(siblings).length === 0) return resolved;
    const extra = deref(siblings, file, seen) as Record<string, Json>;
    return resolved !== null && typeof resolved === 'object' && !Array.isArray(resolved) ? { ...resolved, ...extra } : resolved;
  }
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(node)) out[k] = deref(v, file, seen);
  return out;
}

export function bundleOpenApi(entry: string): Record<string, Json> {
  const root = resolve(entry);
  const doc = deref(load(root), root, []) as Record<string, Json>;
  const names = Object.keys(hoisted);
  if (names.length > 0) {
    const components = (doc.components ?? {}) as Record<string, Json>;
    const schemas = (components.schemas ?? {}) as Record<string, Json>;
    for (const n of names) schemas[n] ??= hoisted[n] ?? {};
    doc.components = { ...components, schemas };
  }
  return doc;
}

const [entry, out = new URL('../src/demo/openapi.json', import.meta.url).pathname] = process.argv.slice(2);
if (!entry) {
  process.stderr.write('Usage: npx tsx scripts/bundle-openapi.ts <path/to/openapi.yaml> [out.json]\n');
  process.exit(2);
}
const doc = bundleOpenApi(entry);
writeFileSync(out, `${JSON.stringify(doc, null, 2)}\n`);
const operations = Object.values(doc.paths as Record<string, Record<string, Json>>).reduce(
  (n, item) => n + Object.keys(item).filter((m) => ['get', 'put', 'post', 'patch', 'delete', 'head', 'options'].includes(m)).length,
  0,
);
process.stdout.write(`${out}: ${Object.keys(doc.paths as object).length} paths, ${operations} operations, ${files.size} files\n`);
