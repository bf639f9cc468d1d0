import { createHash } from 'node:crypto';
import { JSON_TYPE } from '../http.js';
import type { Router } from '../router.js';

interface Served {
  body: string;
  etag: string;
}

let served: Promise<Served> | undefined;

/** The bundled document (scripts/bundle-openapi.ts), read on first use: most demo runs never ask for it. */
const load = (): Promise<Served> =>
  (served ??= import('../openapi.json', { with: { type: 'json' } }).then((m) => {
    const body = JSON.stringify(m.default);
    return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
  }));

/** `GET /.well-known/plexus/openapi.json`: public, with ETag / If-None-Match like the real server. */
export function registerOpenApiRoutes(r: Router): void {
  r.get('/.well-known/plexus/openapi.json', 'public', async (ctx) => {
    const { body, etag } = await load();
    const headers = { etag, 'cache-control': 'public, max-age=300' };
    const tags = String(ctx.req.headers['if-none-match'] ?? '')
      .split(',')
      .map((t) => t.trim().replace(/^W\//, ''));
    if (tags.includes(etag) || tags.includes('*')) {
      ctx.res.writeHead(304, headers);
      ctx.res.end();
      return undefined;
    }
    return { status: 200, raw: body, contentType: JSON_TYPE, headers };
  });
}
