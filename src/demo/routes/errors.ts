import { ok, paginate } from '../http.js';
import type { Router } from '../router.js';
import { clearRows, deleteRow } from './record-routes.js';

export function registerErrorRoutes(r: Router): void {
  r.get('/errors', 'any', (ctx) => {
    const p = ctx.principal;
    const rows = ctx.state.errors.filter((e) => p.role === 'admin' || e.apiKey === p.keyName).reverse();
    return ok(paginate(rows, ctx.query, 50));
  });

  // Only DELETE exists for a single error; `GET errors/{id}` is a 404 like upstream.
  r.delete(
    '/errors/:requestId',
    'admin',
    deleteRow('errors', (e) => e.requestId),
  );
  r.delete('/errors', 'admin', clearRows('errors'));
}
