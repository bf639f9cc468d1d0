import { z } from 'zod';
import { CHECKER_TYPES, syncCheckers } from '../checkers.js';
import { HttpError, ok, plainError } from '../http.js';
import type { Router } from '../router.js';
import type { DemoState } from '../state.js';
import type { Obj, ProviderConfig } from '../types.js';
import { isValidUrl, parseWith, validationFailed } from '../validate.js';
import { normalizeProvider, providerModels } from '../views.js';
import { getRecord, patchRecord, type Records } from './record-routes.js';

const KNOWN_CHECKERS = new Set(CHECKER_TYPES.map((t) => t.type));

const Pricing = z.looseObject({ source: z.string().optional(), input: z.number().min(0).optional(), output: z.number().min(0).optional() });

const ProviderSchema = z
  .looseObject({
    api_base_url: z.union([z.string(), z.record(z.string(), z.string())]),
    display_name: z.string().optional(),
    api_key: z.string().optional(),
    enabled: z.boolean().optional(),
    disable_cooldown: z.boolean().optional(),
    stall_cooldown: z.boolean().optional(),
    allow_100_percent_utilization: z.boolean().optional(),
    estimateTokens: z.boolean().optional(),
    useClaudeMasking: z.boolean().optional(),
    gemini_thinking_enabled: z.boolean().optional(),
    auto_compat: z.boolean().optional(),
    models: z.union([z.array(z.string()), z.record(z.string(), z.looseObject({ pricing: Pricing.optional() }))]).optional(),
    quota_checker: z
      .looseObject({
        type: z.string(),
        enabled: z.boolean().optional(),
        intervalMinutes: z.number().min(1).optional(),
        id: z.string().optional(),
        options: z.record(z.string(), z.unknown()).optional(),
      })
      .optional(),
    model_autosync: z.looseObject({ enabled: z.boolean().optional(), intervalMinutes: z.number().min(1).optional() }).optional(),
  })
  .superRefine((v, ctx) => {
    const urls = typeof v.api_base_url === 'string' ? [v.api_base_url] : Object.values(v.api_base_url);
    const oauth = urls.some((u) => u.startsWith('oauth://'));
    if (urls.length === 0 || !urls.every(isValidUrl)) {
      ctx.addIssue({ code: 'custom', path: ['api_base_url'], message: 'api_base_url must be a valid URL or oauth://' });
    }
    if (!oauth && !v.api_key) ctx.addIssue({ code: 'custom', path: [], message: "'api_key' must be specified for provider" });
    const qc = v.quota_checker;
    if (qc && !KNOWN_CHECKERS.has(qc.type)) {
      ctx.addIssue({ code: 'custom', path: ['quota_checker', 'type'], message: `Unknown quota checker type '${qc.type}'` });
    }
    if (qc?.type === 'openrouter' && typeof qc.options?.apiKey !== 'string') {
      ctx.addIssue({
        code: 'custom',
        path: ['quota_checker', 'options', 'apiKey'],
        message: 'OpenRouter quota checker requires options.apiKey',
      });
    }
  });

function save(state: DemoState, slug: string, input: unknown, verb: string): void {
  const parsed = parseWith(ProviderSchema, input, validationFailed);
  state.providers[slug] = normalizeProvider(parsed as Obj);
  syncCheckers(state);
  state.metricsCache = undefined;
  state.log(`Provider '${slug}' ${verb} via management API`, 'info', 'config');
}

const BLOCKED_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1', '0.0.0.0']);
const METADATA_HOSTS = new Set(['169.254.169.254', 'metadata.google.internal', '[fd00:ec2::254]']);

function hostOf(url: string | Record<string, string>): string[] {
  const urls = typeof url === 'string' ? [url] : Object.values(url);
  return urls.flatMap((u) => {
    try {
      return [new URL(u).host];
    } catch {
      return [];
    }
  });
}

const PROVIDERS: Records<ProviderConfig> = {
  param: 'slug',
  of: (s) => s.providers,
  missing: (slug) => plainError(404, `Provider '${slug}' not found`),
};

export function registerProviderRoutes(r: Router): void {
  r.get('/providers', 'admin', (ctx) => ok(ctx.state.providers));

  r.post('/providers/fetch-models', 'admin', async (ctx) => {
    const body = parseWith(
      z.object({ url: z.string().url(), apiKey: z.string().optional() }),
      await ctx.body(),
      (issues) => new HttpError(400, { error: { message: 'Invalid request body', type: 'validation_error', code: 400, details: issues } }),
    );
    const u = new URL(body.url);
    if (BLOCKED_HOSTS.has(u.hostname))
      throw new HttpError(400, { error: { message: 'Cannot fetch from localhost', type: 'ssrf_blocked', code: 400 } });
    if (METADATA_HOSTS.has(u.hostname)) {
      throw new HttpError(400, { error: { message: 'Cannot fetch from cloud metadata endpoints', type: 'ssrf_blocked', code: 400 } });
    }
    // The demo never calls out: it answers from the configured provider with the same host.
    const match = Object.entries(ctx.state.providers).find(([, p]) => hostOf(p.api_base_url).includes(u.host));
    if (!match) {
      throw new HttpError(500, {
        error: { message: 'Unable to connect. Is the computer able to access the url?', type: 'fetch_error', code: 500 },
      });
    }
    const [slug, p] = match;
    return ok({ data: providerModels(p).map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: slug })) });
  });

  r.get(
    '/providers/:slug+',
    'admin',
    getRecord(PROVIDERS, (_slug, p) => p),
  );

  r.put('/providers/:slug+', 'admin', async (ctx) => {
    const slug = ctx.params.slug as string;
    save(ctx.state, slug, await ctx.body(), 'saved');
    return ok({ success: true, slug });
  });

  r.patch(
    '/providers/:slug+',
    'admin',
    patchRecord(PROVIDERS, (ctx, slug, existing, patch) => {
      save(ctx.state, slug, { ...existing, ...patch }, 'updated');
      return ok({ success: true, slug });
    }),
  );

  r.delete('/providers/:slug+', 'admin', (ctx) => {
    const slug = ctx.params.slug as string;
    const { state } = ctx;
    const existed = slug in state.providers;
    delete state.providers[slug];
    if (ctx.query.get('cascade') === 'true') {
      for (const alias of Object.values(state.aliases)) {
        for (const g of alias.target_groups) g.targets = g.targets.filter((t) => t.provider !== slug);
      }
    }
    syncCheckers(state);
    state.metricsCache = undefined;
    if (existed) state.log(`Provider '${slug}' deleted via management API`, 'info', 'config');
    return ok({ success: true, provider: slug });
  });
}
