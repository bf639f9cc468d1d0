import { ok, plainError } from '../http.js';
import type { RouteCtx, Router } from '../router.js';

const LEVELS = ['error', 'warn', 'info', 'debug', 'verbose', 'silly'];

function levelView(ctx: RouteCtx) {
  const l = ctx.state.logging;
  return ok({ level: l.level, startupLevel: l.startupLevel, supportedLevels: LEVELS, ephemeral: true });
}

export function registerLoggingRoutes(r: Router): void {
  r.get('/logging/level', 'admin', levelView);

  r.put('/logging/level', 'admin', async (ctx) => {
    const body = await ctx.body();
    const level = (body as { level?: unknown } | undefined)?.level;
    if (typeof level !== 'string') throw plainError(400, 'Invalid request body. Expected: { level: string }', { supportedLevels: LEVELS });
    if (!LEVELS.includes(level)) {
      throw plainError(400, `Invalid log level '${level}'. Supported levels: ${LEVELS.join(', ')}`, { supportedLevels: LEVELS });
    }
    const before = ctx.state.logging.level;
    ctx.state.logging.level = level;
    ctx.state.log(`Log level changed from '${before}' to '${level}' via management API`, 'info', 'logging');
    return levelView(ctx);
  });

  r.delete('/logging/level', 'admin', (ctx) => {
    const l = ctx.state.logging;
    ctx.state.log(`Log level reset from '${l.level}' to startup default '${l.startupLevel}' via management API`, 'info', 'logging');
    l.level = l.startupLevel;
    return levelView(ctx);
  });

  r.get('/logging/modules', 'admin', (ctx) => ok({ modules: ctx.state.logging.modules }));

  r.put('/logging/modules', 'admin', async (ctx) => {
    const modules = ((await ctx.body()) as { modules?: unknown } | undefined)?.modules;
    if (!Array.isArray(modules) || !modules.every((m) => typeof m === 'string')) {
      throw plainError(400, 'Invalid request body. Expected: { modules: string[] }');
    }
    ctx.state.logging.modules = modules;
    ctx.state.log(`Module filter set to [${modules.join(', ')}] via management API`, 'info', 'logging');
    return ok({ modules });
  });

  r.delete('/logging/modules', 'admin', (ctx) => {
    ctx.state.logging.modules = [];
    ctx.state.log('Module filter cleared via management API', 'info', 'logging');
    return ok({ modules: [] });
  });

  r.delete('/logs/reset', 'admin', (ctx) => {
    ctx.state.clearLogs();
    ctx.state.log('All logs reset via management API', 'info', 'management');
    return ok({ success: true, message: 'All logs have been reset successfully' });
  });
}
