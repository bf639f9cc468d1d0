/**
 * The route template of a management path, for metric labels: ids, names and
 * keys in a path become their placeholder, so a label never carries one.
 */
const TEMPLATES = [
  'aliases',
  'aliases/{slug}',
  'auth/verify',
  'backup',
  'concurrency',
  'config',
  'config/export',
  'config/status',
  'config/{section}',
  'cooldowns',
  'cooldowns/{provider}',
  'debug',
  'debug/logs',
  'debug/logs/{requestId}',
  'errors',
  'errors/{requestId}',
  'keys',
  'keys/{name}',
  'keys/{name}/disable',
  'logging/level',
  'logging/modules',
  'logs/reset',
  'mcp-logs',
  'mcp-logs/{requestId}',
  'mcp-servers',
  'mcp-servers/{serverName}',
  'metrics',
  'models',
  'models/{aliasId}',
  'performance',
  'providers',
  'providers/fetch-models',
  'providers/{slug}',
  'quota-checker-types',
  'quota-checkers',
  'quota/clear',
  'quota/status/{key}',
  'quotas',
  'quotas/{checkerId}',
  'quotas/{checkerId}/check',
  'quotas/{checkerId}/history',
  'restart',
  'restore',
  'self/debug/toggle',
  'self/me',
  'self/rotate',
  'system-settings',
  'usage',
  'usage/summary',
  'usage/{requestId}',
  'user-quotas',
  'user-quotas/{name}',
].map((t) => ({ template: `/v0/management/${t}`, parts: t.split('/') }));

const SYSTEM = new Set(['/v0/system/logs/stream']);
/** Any path no template matches (an `api call` to a route the bot does not know). */
export const OTHER_ROUTE = '(other)';

const isPlaceholder = (part: string) => part.startsWith('{');

/** A placeholder takes one or more segments (a provider slug may hold `/`); the template with most literal segments wins. */
function matches(parts: string[], path: string[]): boolean {
  if (parts.length === 0) return path.length === 0;
  const [head, ...rest] = parts as [string, ...string[]];
  if (!isPlaceholder(head)) return path[0] === head && matches(rest, path.slice(1));
  for (let take = 1; take <= path.length - rest.length; take++) if (matches(rest, path.slice(take))) return true;
  return false;
}

export function routeTemplate(path: string): string {
  const bare = path.split('?')[0]!.replace(/\/+$/, '');
  if (SYSTEM.has(bare)) return bare;
  if (!bare.startsWith('/v0/management/')) return OTHER_ROUTE;
  const segments = bare.slice('/v0/management/'.length).split('/');
  let best: { template: string; literals: number } | undefined;
  for (const t of TEMPLATES) {
    if (!matches(t.parts, segments)) continue;
    const literals = t.parts.filter((p) => !isPlaceholder(p)).length;
    if (!best || literals > best.literals) best = { template: t.template, literals };
  }
  return best?.template ?? OTHER_ROUTE;
}
