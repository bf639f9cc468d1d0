import { distance } from 'fastest-levenshtein';
import type { Tier } from '../core/command.js';
import type { Deps } from '../core/deps.js';
import { BotError } from '../base/errors.js';
import { isNotFound } from '../plexus/not-found.js';
import type { HttpMethod, PlexusApi, RawResponse } from '../base/plexus-api.js';

/** Where Plexus publishes its own (dereferenced) OpenAPI document. */
export const OPENAPI_PATH = '/.well-known/plexus/openapi.json';
const TTL_MS = 10 * 60 * 1000;
const METHODS: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
/** The operations `api` offers: the management and system API (the admin key's surface). */
const MANAGED = /^\/v0\//;
const DESTRUCTIVE_WORDS = /delete|restore|restart|reset|clear|rotate|disable/i;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

export interface OperationParam {
  name: string;
  in: string;
  required: boolean;
  type: string;
  description?: string;
}

export interface BodyField {
  name: string;
  type: string;
  required: boolean;
}

export interface OperationBody {
  required: boolean;
  contentType: string;
  /** `object`, `array`, … */
  type: string;
  /** Top-level fields of an object body (allOf parts merged). */
  fields: BodyField[];
}

export interface Operation {
  operationId: string;
  method: HttpMethod;
  path: string;
  summary: string;
  tag: string;
  params: OperationParam[];
  body?: OperationBody;
  tier: Tier;
}

export interface ApiDoc {
  title: string;
  version: string;
  operations: Operation[];
  /** Operations outside the management API (inference, MCP, OAuth): not offered. */
  skipped: number;
}

/** GET reads, DELETE destroys, other methods write; a name that says it deletes, resets… destroys too. */
export function operationTier(method: HttpMethod, operationId: string, path: string): Tier {
  if (method === 'DELETE' || DESTRUCTIVE_WORDS.test(operationId) || DESTRUCTIVE_WORDS.test(path)) return 'destructive';
  return method === 'GET' ? 'read' : 'write';
}

/** Follows an internal `#/...` reference (a document may keep some); external ones are left alone. */
export function resolveRef(doc: Obj, node: unknown, depth = 0): unknown {
  if (!isObj(node) || typeof node.$ref !== 'string' || !node.$ref.startsWith('#/') || depth > 20) return node;
  let at: unknown = doc;
  for (const raw of node.$ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    at = isObj(at) ? at[key] : undefined;
  }
  return at === undefined ? node : resolveRef(doc, at, depth + 1);
}

/** `string`, `integer[]`, `"a" | "b"`, `object`: a schema in a few characters. */
export function schemaType(doc: Obj, schema: unknown): string {
  const s = resolveRef(doc, schema);
  if (!isObj(s)) return 'any';
  if (Array.isArray(s.enum) && s.enum.length > 0 && s.enum.length <= 6) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  const alts = (s.oneOf ?? s.anyOf) as unknown;
  if (Array.isArray(alts) && alts.length > 0) return [...new Set(alts.map((a) => schemaType(doc, a)))].join(' | ');
  const type = Array.isArray(s.type) ? s.type.filter((t) => t !== 'null').join(' | ') : str(s.type);
  if (type === 'array') return `${schemaType(doc, s.items)}[]`;
  return type ?? (isObj(s.properties) ? 'object' : 'any');
}

function fallbackId(method: HttpMethod, path: string): string {
  const words = path
    .split(/[/_.-]+/)
    .filter(Boolean)
    .map((w) => {
      const m = /^\{(.+)\}$/.exec(w);
      const name = m ? `By${m[1]}` : w;
      return name.charAt(0).toUpperCase() + name.slice(1);
    });
  return method.toLowerCase() + words.join('');
}

function params(doc: Obj, list: unknown): OperationParam[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((raw) => {
    const p = resolveRef(doc, raw);
    if (!isObj(p) || !str(p.name) || !str(p.in)) return [];
    const description = str(p.description)?.trim().split('\n')[0];
    return [
      {
        name: p.name as string,
        in: p.in as string,
        required: p.required === true || p.in === 'path',
        type: schemaType(doc, p.schema),
        ...(description ? { description } : {}),
      },
    ];
  });
}

function body(doc: Obj, raw: unknown): OperationBody | undefined {
  const b = resolveRef(doc, raw);
  if (!isObj(b) || !isObj(b.content)) return undefined;
  const types = Object.keys(b.content);
  const contentType = types.find((t) => t.includes('json')) ?? types[0];
  if (!contentType) return undefined;
  const media = b.content[contentType];
  const schema = isObj(media) ? resolveRef(doc, media.schema) : undefined;
  return { required: b.required === true, contentType, type: schemaType(doc, schema), fields: bodyFields(doc, schema) };
}

function bodyFields(doc: Obj, raw: unknown, depth = 0): BodyField[] {
  const s = resolveRef(doc, raw);
  if (!isObj(s) || depth > 5) return [];
  const required = new Set(Array.isArray(s.required) ? s.required.filter((r): r is string => typeof r === 'string') : []);
  const own = isObj(s.properties)
    ? Object.entries(s.properties).map(([name, p]) => ({ name, type: schemaType(doc, p), required: required.has(name) }))
    : [];
  const parts = Array.isArray(s.allOf) ? s.allOf.flatMap((a) => bodyFields(doc, a, depth + 1)) : [];
  const seen = new Set<string>();
  return [...own, ...parts].filter((f) => !seen.has(f.name) && seen.add(f.name));
}

/** Reads the operations of an OpenAPI 3.x document; throws when it is not one. */
export function readApiDoc(value: unknown): ApiDoc {
  if (!isObj(value) || !isObj(value.paths) || (typeof value.openapi !== 'string' && typeof value.swagger !== 'string')) {
    throw new BotError(
      'UPSTREAM_INVALID',
      `Plexus answered GET ${OPENAPI_PATH} with something that is not an OpenAPI document (no \`openapi\` version or no \`paths\`).`,
    );
  }
  const doc = value;
  const operations: Operation[] = [];
  let skipped = 0;
  for (const [path, rawItem] of Object.entries(value.paths as Obj)) {
    const item = resolveRef(doc, rawItem);
    if (!isObj(item)) continue;
    for (const method of METHODS) {
      const op = item[method.toLowerCase()];
      if (!isObj(op)) continue;
      if (!MANAGED.test(path)) {
        skipped++;
        continue;
      }
      const own = params(doc, op.parameters);
      const shared = params(doc, item.parameters).filter((p) => !own.some((o) => o.name === p.name && o.in === p.in));
      const operationId = str(op.operationId) ?? fallbackId(method, path);
      const requestBody = body(doc, op.requestBody);
      operations.push({
        operationId,
        method,
        path,
        summary: str(op.summary) ?? str(op.description)?.split('\n')[0] ?? '',
        tag: (Array.isArray(op.tags) ? str(op.tags[0]) : undefined) ?? 'Other',
        params: [...shared, ...own],
        ...(requestBody ? { body: requestBody } : {}),
        tier: operationTier(method, operationId, path),
      });
    }
  }
  const info = isObj(value.info) ? value.info : {};
  return { title: str(info.title) ?? 'Plexus API', version: String(info.version ?? '?'), operations, skipped };
}

interface Cached {
  at: number;
  doc: Promise<ApiDoc>;
}

const cache = new WeakMap<PlexusApi, Cached>();

async function fetchDoc(plexus: PlexusApi): Promise<ApiDoc> {
  let res: RawResponse;
  try {
    res = await plexus.requestRaw('GET', OPENAPI_PATH);
  } catch (e) {
    if (isNotFound(e)) {
      throw new BotError(
        'UPSTREAM_HTTP',
        `This Plexus does not publish its OpenAPI document (GET ${OPENAPI_PATH} answered 404), so \`api\` cannot list or call operations.`,
        {
          hints: ['A newer Plexus serves it. Meanwhile the curated commands cover the management API: type `help`.'],
        },
      );
    }
    throw e;
  }
  let value: unknown;
  try {
    value = JSON.parse(res.body.toString('utf8'));
  } catch {
    const type = String(res.headers['content-type'] ?? 'unknown type').split(';')[0];
    throw new BotError(
      'UPSTREAM_INVALID',
      `Plexus answered GET ${OPENAPI_PATH} with something that is not JSON (${type}, ${res.body.length} bytes).`,
    );
  }
  return readApiDoc(value);
}

/** The server's OpenAPI document, fetched once per 10 minutes per Plexus (a failure is not kept). */
export function getApiDoc(deps: Pick<Deps, 'plexus' | 'clock'>): Promise<ApiDoc> {
  const now = deps.clock.now();
  const hit = cache.get(deps.plexus);
  if (hit && now - hit.at < TTL_MS) return hit.doc;
  const doc = fetchDoc(deps.plexus);
  cache.set(deps.plexus, { at: now, doc });
  doc.catch(() => {
    if (cache.get(deps.plexus)?.doc === doc) cache.delete(deps.plexus);
  });
  return doc;
}

/** The operation named `id` (any case), or an INVALID_ARGS error naming the closest ones. */
export function findOperation(doc: ApiDoc, id: string, usage: string): Operation {
  const lower = id.toLowerCase();
  const op = doc.operations.find((o) => o.operationId.toLowerCase() === lower);
  if (op) return op;
  const close = doc.operations
    .map((o) => ({ o, d: distance(lower, o.operationId.toLowerCase()) }))
    .filter((x) => x.d <= Math.max(3, Math.floor(lower.length / 3)) || x.o.operationId.toLowerCase().includes(lower))
    .sort((a, b) => a.d - b.d)
    .slice(0, 3);
  throw new BotError('INVALID_ARGS', `No operation \`${id}\` in the OpenAPI document of this Plexus.`, {
    hints: [
      close.length > 0
        ? `Closest: ${close.map((x) => `\`${x.o.operationId}\``).join(', ')}`
        : '`api list <word>` finds operations by id, path or summary.',
      `Usage: ${usage}`,
    ],
  });
}

/** `{name}` → `{}`, query string dropped: to compare a document path with a command's call. */
export const pathShape = (path: string): string =>
  path
    .split('?')[0]!
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\/+$/, '');
