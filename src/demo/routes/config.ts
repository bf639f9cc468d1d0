import { patchSection, readSection, SECTIONS } from '../config-sections.js';
import { ok, plainError, requireObject, typedError } from '../http.js';
import type { Router } from '../router.js';
import { configExport, configView } from '../snapshot.js';

export function registerConfigRoutes(r: Router): void {
  r.get('/system-settings', 'admin', (ctx) => ok(ctx.state.settings));

  r.patch('/system-settings', 'admin', async (ctx) => {
    const patch = requireObject(await ctx.body());
    if ('default_quotas' in patch) {
      const dq = patch.default_quotas;
      if (dq !== null && !(Array.isArray(dq) && dq.every((x) => typeof x === 'string'))) {
        throw typedError(400, "'default_quotas' must be an array of quota names or null", 'invalid_request_error');
      }
      const unknown = (dq ?? []).filter((n: string) => !ctx.state.userQuotas[n]);
      if (unknown.length > 0) {
        throw typedError(
          400,
          `Unknown quota name(s) in 'default_quotas': ${unknown.join(', ')}. Quotas must be defined in user_quotas first.`,
          'invalid_request_error',
        );
      }
    }
    Object.assign(ctx.state.settings, patch);
    ctx.state.log(`System settings updated: ${Object.keys(patch).join(', ')}`, 'info', 'config');
    return ok({ success: true });
  });

  r.get('/config', 'admin', (ctx) => ok(configView(ctx.state)));
  r.get('/config/export', 'admin', (ctx) => ok(configExport(ctx.state)));
  r.get('/config/status', 'admin', (ctx) => {
    const s = ctx.state;
    return ok({
      providerCount: Object.keys(s.providers).length,
      modelAliasCount: Object.keys(s.aliases).length,
      keyCount: Object.keys(s.keys).length,
      quotaCount: Object.keys(s.userQuotas).length,
      mcpServerCount: Object.keys(s.mcpServers).length,
    });
  });

  for (const [name, section] of Object.entries(SECTIONS)) {
    r.get(`/config/${name}`, 'admin', (ctx) => ok(readSection(ctx.state.settings, section)));
    r.patch(`/config/${name}`, 'admin', async (ctx) => {
      const patch = requireObject(await ctx.body());
      const error = patchSection(ctx.state.settings, section, patch);
      if (error) throw plainError(400, error);
      ctx.state.log(`Config section '${name}' updated via management API`, 'info', 'config');
      return ok(readSection(ctx.state.settings, section));
    });
  }
}
