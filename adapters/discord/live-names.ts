/**
 * Names from Plexus for autocomplete (provider slugs, aliases, key names,
 * user quotas, quota checkers, MCP servers), behind a short cache so a burst
 * of keystrokes costs one request, and never waiting long: autocomplete must
 * be answered within 3 s, Plexus or not.
 */
import type { Logger } from 'pino';
import { mgmtPath } from '../../src/plexus/path.js';
import * as S from '../../src/plexus/schemas.js';
import type { PlexusApi } from '../../src/base/plexus-api.js';
import type { LookupKind } from './command-options.js';

type NameSource = Exclude<LookupKind, 'commands'>;

const nameList = (list: { name: string }[]): string[] => list.map((x) => x.name);

const SOURCES: Record<NameSource, { path: string; read: (plexus: PlexusApi) => Promise<string[]> }> = {
  providers: {
    path: mgmtPath('providers'),
    read: (p) => p.request('GET', mgmtPath('providers'), { schema: S.providerListSchema }).then(nameList),
  },
  aliases: { path: mgmtPath('aliases'), read: (p) => p.request('GET', mgmtPath('aliases'), { schema: S.aliasListSchema }).then(nameList) },
  keys: { path: mgmtPath('keys'), read: (p) => p.request('GET', mgmtPath('keys'), { schema: S.apiKeyListSchema }).then(nameList) },
  userQuotas: {
    path: mgmtPath('user-quotas'),
    read: (p) => p.request('GET', mgmtPath('user-quotas'), { schema: S.userQuotaListSchema }).then(nameList),
  },
  checkers: {
    path: mgmtPath('quotas'),
    read: (p) => p.request('GET', mgmtPath('quotas'), { schema: S.quotaSnapshotListSchema }).then((l) => l.map((q) => q.checkerId)),
  },
  mcpServers: {
    path: mgmtPath('mcp-servers'),
    read: (p) => p.request('GET', mgmtPath('mcp-servers'), { schema: S.mcpServerListSchema }).then(nameList),
  },
};

interface Entry {
  names: string[];
  at: number;
  ok: boolean;
}

export interface LiveNamesOptions {
  plexus: PlexusApi;
  logger: Logger;
  now?: () => number;
  /** How long names are fresh (default 30 s). */
  ttlMs?: number;
  /** After a failed fetch, how long to wait before asking Plexus again (default 5 s). */
  retryMs?: number;
}

export class LiveNames {
  private readonly cache = new Map<NameSource, Entry>();
  private readonly inflight = new Map<NameSource, Promise<string[]>>();
  private readonly now: () => number;

  constructor(private readonly opts: LiveNamesOptions) {
    this.now = opts.now ?? Date.now;
  }

  /**
   * The names, waiting at most `waitMs` for Plexus when the cache is not
   * fresh; past that, the last names known (possibly none).
   */
  async names(kind: NameSource, waitMs: number): Promise<string[]> {
    const hit = this.cache.get(kind);
    const age = hit ? this.now() - hit.at : Infinity;
    if (hit && age < (hit.ok ? (this.opts.ttlMs ?? 30_000) : (this.opts.retryMs ?? 5_000))) return hit.names;
    const fetching = this.refresh(kind);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), waitMs);
    });
    try {
      return (await Promise.race([fetching.catch(() => undefined), timeout])) ?? hit?.names ?? [];
    } finally {
      clearTimeout(timer);
    }
  }

  private refresh(kind: NameSource): Promise<string[]> {
    const running = this.inflight.get(kind);
    if (running) return running;
    const source = SOURCES[kind];
    const p = source
      // A fetch outlives a slow autocomplete answer (up to the client's timeout) and fills the cache for the next keystroke.
      .read(this.opts.plexus)
      .then(
        (names) => {
          this.cache.set(kind, { names, at: this.now(), ok: true });
          return names;
        },
        (e: unknown) => {
          const stale = this.cache.get(kind);
          this.cache.set(kind, { names: stale?.names ?? [], at: this.now(), ok: false });
          this.opts.logger.warn({ err: e, path: source.path }, 'discord autocomplete: names not available from Plexus');
          throw e;
        },
      )
      .finally(() => this.inflight.delete(kind));
    this.inflight.set(kind, p);
    return p;
  }
}

/** Up to `max` names matching what was typed: prefix matches first, then other matches; case-insensitive. */
export function matching(names: readonly string[], typed: string, max: number): string[] {
  const t = typed.trim().toLowerCase();
  const unique = [...new Set(names)];
  const prefix = unique.filter((n) => n.toLowerCase().startsWith(t));
  const inside = t ? unique.filter((n) => !n.toLowerCase().startsWith(t) && n.toLowerCase().includes(t)) : [];
  return [...prefix, ...inside].slice(0, max);
}
