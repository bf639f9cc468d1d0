import { z } from 'zod';
import { HttpError, ok, plainError } from '../http.js';
import type { Router } from '../router.js';
import type { DemoState } from '../state.js';
import type { AliasConfig, Obj } from '../types.js';
import { parseWith, validationFailed } from '../validate.js';
import { normalizeAlias } from '../views.js';
import { deleteRecord, getRecord, patchRecord, type Records } from './record-routes.js';

export const SELECTORS = ['random', 'in_order', 'cost', 'latency', 'usage', 'quota', 'performance', 'e2e_performance'] as const;

const Target = z
  .looseObject({
    provider: z.string().optional(),
    model: z.string().optional(),
    alias: z.string().optional(),
    enabled: z.boolean().optional(),
  })
  .superRefine((t, ctx) => {
    const direct = t.provider !== undefined && t.model !== undefined;
    if (direct === (t.alias !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: "A target must specify either 'alias' or both 'provider' and 'model', but not both",
      });
    }
  });

const AliasSchema = z.looseObject({
  target_groups: z.array(z.looseObject({ name: z.string(), selector: z.enum(SELECTORS), targets: z.array(Target) })),
  priority: z.enum(['selector', 'api_match']).optional(),
  use_image_fallthrough: z.boolean().optional(),
  enforce_limits: z.boolean().optional(),
  sticky_session: z.boolean().optional(),
  additional_aliases: z.array(z.string()).optional(),
  type: z.string().optional(),
});

/** Legacy flat `{selector, targets}` becomes a `default` group; the leftover `selector` stays. */
function upgradeLegacy(body: Obj): Obj {
  if (body.target_groups !== undefined || body.targets === undefined) return body;
  const { targets, ...rest } = body;
  return { ...rest, target_groups: [{ name: 'default', selector: body.selector ?? 'random', targets }] };
}

/** True when following alias targets from `slug` leads back to it. */
function hasCycle(aliases: Record<string, AliasConfig>, slug: string, candidate: AliasConfig): boolean {
  const seen = new Set<string>();
  const walk = (a: AliasConfig | undefined): boolean => {
    for (const g of a?.target_groups ?? []) {
      for (const t of g.targets) {
        if (t.alias === undefined) continue;
        if (t.alias === slug) return true;
        if (seen.has(t.alias)) continue;
        seen.add(t.alias);
        if (walk(aliases[t.alias])) return true;
      }
    }
    return false;
  };
  return walk(candidate);
}

function save(state: DemoState, slug: string, input: Obj): void {
  const parsed = parseWith(AliasSchema, upgradeLegacy(input), validationFailed);
  const alias = normalizeAlias(parsed as Obj);
  // Upstream's cycle check throws inside the handler's try block: a 500, not a 400.
  if (hasCycle(state.aliases, slug, alias)) throw new HttpError(500, { error: 'Internal server error' });
  state.aliases[slug] = alias;
  state.log(`Model alias '${slug}' saved via management API`, 'info', 'config');
}

const ALIASES: Records<AliasConfig> = {
  param: 'slug',
  of: (s) => s.aliases,
  missing: (slug) => plainError(404, `Alias '${slug}' not found`),
};

export function registerAliasRoutes(r: Router): void {
  r.get('/aliases', 'admin', (ctx) => ok(ctx.state.aliases));

  r.get(
    '/aliases/:slug',
    'admin',
    getRecord(ALIASES, (slug, a) => ({ slug, ...a })),
  );

  r.put('/aliases/:slug', 'admin', async (ctx) => {
    const slug = ctx.params.slug as string;
    const body = await ctx.body();
    save(ctx.state, slug, (body ?? {}) as Obj);
    return ok({ success: true, slug });
  });

  r.patch(
    '/aliases/:slug',
    'admin',
    patchRecord(ALIASES, (ctx, slug, existing, patch) => {
      save(ctx.state, slug, { ...existing, ...patch });
      return ok({ success: true, slug });
    }),
  );

  // Deletion lives under /models; `DELETE aliases/{slug}` is a 404 upstream.
  r.delete('/models/:slug', 'admin', deleteRecord(ALIASES));

  r.delete('/models', 'admin', (ctx) => {
    const deletedCount = Object.keys(ctx.state.aliases).length;
    ctx.state.aliases = {};
    return ok({ success: true, deletedCount });
  });
}
