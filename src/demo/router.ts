import type http from 'node:http';
import type { Reply } from './http.js';
import type { DemoState } from './state.js';

export type Principal = { role: 'admin' } | { role: 'limited'; keyName: string };

/** `admin`: admin principal only (limited keys get 403); `any`: admin or limited; `public`: no auth. */
export type Access = 'admin' | 'any' | 'public';

export interface RouteCtx {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  principal: Principal;
  state: DemoState;
  /** Parsed JSON body (`undefined` when empty). Malformed JSON throws a 400. */
  body(): Promise<unknown>;
  /** Raw body bytes, with a larger size cap (restore uploads). */
  rawBody(): Promise<Buffer>;
  /** Registers cleanup for streaming answers; run when the gateway shuts down. */
  onShutdown(fn: () => void): () => void;
}

/** A handler answers with a Reply, or `undefined` when it wrote to `res` itself (SSE). */
export type Handler = (ctx: RouteCtx) => Reply | undefined | Promise<Reply | undefined>;

interface Route {
  method: string;
  regex: RegExp;
  names: string[];
  access: Access;
  handler: Handler;
}

export interface RouteMatch {
  access: Access;
  handler: Handler;
  params: Record<string, string>;
}

/**
 * Minimal method + path router. Patterns use `:name` for one segment and
 * `:name+` for the rest of the path (slashes allowed, e.g. provider `org/team`).
 * The first registered match wins.
 */
export class Router {
  constructor(
    private readonly prefix = '',
    private readonly routes: Route[] = [],
  ) {}

  /** A router whose patterns are relative to `prefix` but registers into this one. */
  scope(prefix: string): Router {
    return new Router(this.prefix + prefix, this.routes);
  }

  get(p: string, access: Access, h: Handler): this {
    return this.add('GET', p, access, h);
  }
  post(p: string, access: Access, h: Handler): this {
    return this.add('POST', p, access, h);
  }
  put(p: string, access: Access, h: Handler): this {
    return this.add('PUT', p, access, h);
  }
  patch(p: string, access: Access, h: Handler): this {
    return this.add('PATCH', p, access, h);
  }
  delete(p: string, access: Access, h: Handler): this {
    return this.add('DELETE', p, access, h);
  }

  add(method: string, pattern: string, access: Access, handler: Handler): this {
    const names: string[] = [];
    const full = this.prefix + pattern;
    const source = full
      .split('/')
      .map((seg) => {
        const m = /^:(\w+)(\+?)$/.exec(seg);
        if (!m) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(m[1] as string);
        return m[2] ? '(.+)' : '([^/]+)';
      })
      .join('/');
    this.routes.push({ method, regex: new RegExp(`^${source}/?$`), names, access, handler });
    return this;
  }

  match(method: string, path: string): RouteMatch | undefined {
    for (const r of this.routes) {
      if (r.method !== method) continue;
      const m = r.regex.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      let bad = false;
      r.names.forEach((n, i) => {
        try {
          params[n] = decodeURIComponent(m[i + 1] ?? '');
        } catch {
          bad = true;
        }
      });
      if (bad) continue;
      return { access: r.access, handler: r.handler, params };
    }
    return undefined;
  }
}

export function keyNameOf(p: Principal): string | undefined {
  return p.role === 'limited' ? p.keyName : undefined;
}
