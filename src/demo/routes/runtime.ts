import { ok, plainError } from '../http.js';
import { performanceRows, renderMetrics } from '../metrics.js';
import type { Router } from '../router.js';

const METRICS_TTL_MS = 15_000;
const TIMELINE: Record<string, { span: number; bucket: number }> = {
  hour: { span: 3_600_000, bucket: 300_000 },
  day: { span: 86_400_000, bucket: 3_600_000 },
  week: { span: 7 * 86_400_000, bucket: 6 * 3_600_000 },
};

export function registerRuntimeRoutes(r: Router): void {
  r.get('/cooldowns', 'any', (ctx) => {
    const now = ctx.state.now();
    return ok(
      ctx.state.activeCooldowns().map((c) => ({
        provider: c.provider,
        model: c.model,
        expiry: c.expiry,
        timeRemainingMs: c.expiry - now,
        consecutiveFailures: c.consecutiveFailures,
        lastError: c.lastError,
      })),
    );
  });

  r.delete('/cooldowns', 'admin', (ctx) => {
    ctx.state.cooldowns = [];
    ctx.state.log('All provider cooldowns cleared via management API', 'info', 'cooldown-manager');
    return ok({ success: true });
  });

  r.delete('/cooldowns/:provider+', 'admin', (ctx) => {
    const provider = ctx.params.provider as string;
    const model = ctx.query.get('model');
    ctx.state.cooldowns = ctx.state.cooldowns.filter((c) => !(c.provider === provider && (!model || c.model === model)));
    ctx.state.log(`Cooldown cleared for ${provider}${model ? `/${model}` : ''} via management API`, 'info', 'cooldown-manager');
    return ok({ success: true });
  });

  r.get('/concurrency', 'admin', (ctx) => {
    if (ctx.query.get('mode') !== 'timeline') return ok({ data: [] });
    const range = TIMELINE[ctx.query.get('timeRange') ?? 'hour'] ?? (TIMELINE.hour as { span: number; bucket: number });
    const byModel = ctx.query.get('groupBy') === 'model';
    const now = ctx.state.now();
    const counts = new Map<string, { timestamp: number; name: string; count: number }>();
    for (const u of ctx.state.usage) {
      const name = byModel ? u.selectedModelName : u.provider;
      if (!name || u.startTime < now - range.span || u.startTime > now) continue;
      const ts = Math.floor(u.startTime / range.bucket) * range.bucket;
      const k = `${ts}\u0000${name}`;
      const e = counts.get(k) ?? { timestamp: ts, name, count: 0 };
      e.count++;
      counts.set(k, e);
    }
    const data = [...counts.values()]
      .sort((a, b) => a.timestamp - b.timestamp || a.name.localeCompare(b.name))
      .map((e) =>
        byModel ? { timestamp: e.timestamp, model: e.name, count: e.count } : { timestamp: e.timestamp, provider: e.name, count: e.count },
      );
    return ok({ data });
  });

  r.get('/performance', 'admin', (ctx) => {
    const provider = ctx.query.get('provider');
    const model = ctx.query.get('model');
    return ok(performanceRows(ctx.state).filter((p) => (!provider || p.provider === provider) && (!model || p.model === model)));
  });

  r.delete('/performance', 'admin', (ctx) => {
    const model = ctx.query.get('model');
    if (!model) throw plainError(400, 'Model parameter is required');
    ctx.state.performanceResets.set(model, ctx.state.now());
    return ok({ success: true });
  });

  r.get('/metrics', 'admin', (ctx) => {
    const now = ctx.state.now();
    const cached = ctx.state.metricsCache;
    const hit = cached !== undefined && now - cached.at < METRICS_TTL_MS;
    const text = hit ? cached.text : renderMetrics(ctx.state);
    if (!hit) ctx.state.metricsCache = { at: now, text };
    return {
      status: 200,
      raw: text,
      contentType: 'text/plain; version=0.0.4; charset=utf-8',
      headers: { 'x-metrics-cache': hit ? 'HIT' : 'MISS' },
    };
  });
}
