import type { Command } from '../core/command.js';
import { BotError } from '../base/errors.js';
import { isGlobalFlag } from '../core/global-flags.js';
import { parseLine } from '../core/parse.js';
import { apiPath, slug } from '../plexus/path.js';
import type { QueryValue, RawResponse } from '../base/plexus-api.js';
import { formatBytes, formatNumber } from '../render/format.js';
import { KEY_NAME_FIELDS, maskDeep, maskTokenPatterns, type MaskOptions } from '../render/mask.js';
import { code, context, text, type Block } from '../render/reply.js';
import { pathShape, type Operation } from './openapi-doc.js';

/** Characters of JSON shown before the answer is cut (chat messages are small). */
export const MAX_JSON_CHARS = 3000;

export interface ApiRequest {
  /** The concrete path, parameters filled in. */
  path: string;
  query: Record<string, QueryValue>;
  body?: Record<string, unknown>;
  /** name= values the document does not declare for this operation (sent as query parameters anyway). */
  undeclared: string[];
}

/** An `api call` line's pieces: `name=value` pairs and `--flags` (as `true`) separately from the JSON body. */
function lineParts(line: string): { named: Record<string, string>; body?: Record<string, unknown> } {
  const parsed = parseLine(line);
  const named = { ...parsed.named };
  for (const f of parsed.flags) if (!isGlobalFlag(f)) named[f] ??= 'true';
  delete named.operationId;
  return { named, ...(parsed.body ? { body: parsed.body } : {}) };
}

/** `api call <id> …` for this operation: path parameters first, then any other. */
export function callUsage(op: Operation): string {
  const inPath = op.params.filter((p) => p.in === 'path').map((p) => `${p.name}=<${p.name}>`);
  const query = op.params.filter((p) => p.in === 'query').map((p) => (p.required ? `${p.name}=` : `[${p.name}=]`));
  const body = op.body ? (op.body.required ? '{json}' : '[{json}]') : '';
  return ['api call', op.operationId, ...inPath, ...query, body].filter(Boolean).join(' ');
}

/** Fills the operation's path from the line's `name=value` pairs; the rest become the query, the JSON the body. */
export function buildApiRequest(op: Operation, line: string): ApiRequest {
  const { named, body } = lineParts(line);
  const missing: string[] = [];
  const used = new Set<string>();
  const path = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const value = named[name];
    used.add(name);
    if (value === undefined || value === '') {
      missing.push(`${name}=`);
      return `{${name}}`;
    }
    return apiPath('', slug(value)).slice(1);
  });
  const query: Record<string, QueryValue> = {};
  for (const [k, v] of Object.entries(named)) if (!used.has(k)) query[k] = v;
  for (const p of op.params) if (p.in === 'query' && p.required && query[p.name] === undefined) missing.push(`${p.name}=`);
  if (op.body?.required && !body) missing.push('a JSON body {…}');
  if (missing.length > 0) {
    throw new BotError('INVALID_ARGS', `\`${op.operationId}\` (${op.method} ${op.path}): missing ${missing.join(', ')}.`, {
      hints: [`Usage: ${callUsage(op)}`, `\`api describe ${op.operationId}\` lists its parameters and body.`],
    });
  }
  const declared = new Set(op.params.map((p) => p.name));
  return { path, query, ...(body ? { body } : {}), undeclared: Object.keys(query).filter((k) => !declared.has(k)) };
}

/** Curated commands that make this call (`api describe` and confirmations point to them). */
export function curatedFor(op: Operation, commands: readonly Command[]): Command[] {
  const shape = pathShape(op.path);
  return commands.filter((c) => c.words[0] !== 'api' && c.calls.some((k) => k.method === op.method && pathShape(k.path) === shape));
}

/** Request records (usage, errors, debug and MCP logs) name the key in `apiKey`; elsewhere it is masked like any key. */
const RECORDS = /^\/v0\/management\/(usage|errors|debug\/logs|mcp-logs)(\/|$)/;
export const maskOptionsFor = (op: Operation): MaskOptions => (RECORDS.test(op.path) ? { keepFields: KEY_NAME_FIELDS } : {});

/** The answer as masked JSON (cut to MAX_JSON_CHARS at a line end, saying how much is left out), or a summary when not JSON. */
export function answerBlocks(res: RawResponse, mask: MaskOptions = {}, maxChars = MAX_JSON_CHARS): Block[] {
  const type =
    String(res.headers['content-type'] ?? '')
      .split(';')[0]
      ?.trim() || 'no content type';
  if (res.body.length === 0) return [text(`HTTP ${res.status}, no content.`)];
  let value: unknown;
  let isJson = type.includes('json');
  try {
    value = JSON.parse(res.body.toString('utf8'));
    isJson = true;
  } catch {
    if (isJson)
      return [text(`HTTP ${res.status}: the answer says it is JSON but is not (${formatBytes(res.body.length)}); it is not shown.`)];
  }
  if (!isJson) return [text(`HTTP ${res.status}: ${type}, ${formatBytes(res.body.length)}. Only JSON answers are shown here.`)];
  const pretty = maskTokenPatterns(JSON.stringify(maskDeep(value, mask), null, 2));
  if (pretty.length <= maxChars) return [code(pretty, 'json')];
  const cut = pretty.lastIndexOf('\n', maxChars);
  const shown = pretty.slice(0, cut > 0 ? cut : maxChars);
  const leftChars = pretty.length - shown.length;
  const leftLines = pretty.slice(shown.length).split('\n').length - 1;
  return [
    code(`${shown}\n…`, 'json'),
    context(
      `Cut: ${formatNumber(leftChars)} more characters (${formatNumber(leftLines)} lines) of ${formatNumber(pretty.length)} are ` +
        'left out. Narrow it with query parameters, or use a curated command.',
    ),
  ];
}
