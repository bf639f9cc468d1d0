import type { StreamTiming } from '../gateway.js';
import { ok, paginate } from '../http.js';
import { keyNameOf, type Router } from '../router.js';
import { openSse } from '../sse.js';
import { clearRows, deleteRow } from './record-routes.js';
import { filterUsage, projectUsage, sortUsage, usageSummary } from '../usage-query.js';

export function registerUsageRoutes(r: Router, timing: StreamTiming): void {
  r.get('/usage', 'any', (ctx) => {
    const rows = sortUsage(filterUsage(ctx.state.usage, ctx.query, ctx.principal), ctx.query);
    const page = paginate(rows, ctx.query, 50);
    return ok({ ...page, data: projectUsage(page.data, ctx.query.get('fields')) });
  });

  r.get('/usage/summary', 'any', (ctx) => {
    const own = keyNameOf(ctx.principal);
    const scoped = own === undefined ? ctx.state.usage : ctx.state.usage.filter((u) => u.apiKey === own);
    return ok(usageSummary(scoped, ctx.query, ctx.state.now()));
  });

  r.delete(
    '/usage/:requestId',
    'admin',
    deleteRow('usage', (u) => u.requestId),
  );
  r.delete(
    '/usage',
    'admin',
    clearRows('usage', (u) => u.startTime),
  );

  r.get('/events', 'admin', (ctx) => {
    const sse = openSse(ctx, timing.pingIntervalMs);
    sse.onClose(ctx.state.onUsage((e) => sse.send(e.event, e.data, ctx.state.now())));
    return undefined;
  });
}
