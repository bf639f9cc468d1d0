import { ok, paginate } from '../http.js';
import type { Router } from '../router.js';

export function registerErrorRoutes(r: Router): void {
  r.get('/errors', 'any', (ctx) => {
    const p = ctx.principal;
    const rows = ctx.state.errors.filter((e) => p.role === 'admin' || e.apiKey === p.keyName).reverse();
    return ok(paginate(rows, ctx.query, 50));
  });

  // Only DELETE exists for a single error; `GET errors/{id}` is a 404 like upstream.
  r.delete('/errors/:requestId', 'admin', (ctx) => {
    ctx.state.errors = ctx.state.errors.filter((e) => e.requestId !== ctx.params.requestId);
    return ok({ success: true });
  });

  r.delete('/errors', 'admin', (ctx) => {
    ctx.state.errors = [];
    return ok({ success: true });
  });
}
