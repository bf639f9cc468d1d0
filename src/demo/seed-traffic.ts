import type { Rng } from './rng.js';
import type { AliasConfig, DebugLog, ErrorRecord, KeyConfig, ProviderConfig, UsageRecord } from './types.js';
import { modelPricing } from './views.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const GROQ_COOLDOWN_ERROR =
  'Provider returned 429: Rate limit reached for model `llama-3.3-70b-versatile` on tokens per minute (TPM): ' +
  'Limit 300000, Used 299184, Requested 2351.';

interface Config {
  providers: Record<string, ProviderConfig>;
  aliases: Record<string, AliasConfig>;
  keys: Record<string, KeyConfig>;
}

type Target = { provider: string; model: string };
type Failure = { kind: 'upstream' | 'timeout' | 'ratelimit' | 'unknown-model'; message: string; status: number };

const KEY_WEIGHTS = [
  ['web-app', 40],
  ['ci-pipeline', 18],
  ['support-bot', 22],
  ['analytics-batch', 12],
  ['alice-dev', 8],
] as const;

const MODEL_CHOICES: Record<string, readonly (readonly [string, number])[]> = {
  'web-app': [
    ['smart', 50],
    ['fast', 30],
    ['cheap', 20],
  ],
  'ci-pipeline': [
    ['smart', 40],
    ['direct/openai/gpt-4o-mini', 35],
    ['eu-gpt4o', 25],
  ],
  'support-bot': [
    ['fast', 70],
    ['cheap', 30],
  ],
  'analytics-batch': [
    ['cheap', 80],
    ['direct/openrouter/google/gemini-2.5-flash', 20],
  ],
  'alice-dev': [
    ['smart', 40],
    ['fast', 20],
    ['direct/anthropic/claude-haiku-4-5', 20],
    ['direct/openai/o3-mini', 20],
  ],
};

const SOURCE_IPS: Record<string, string> = {
  'web-app': '10.12.0.21',
  'ci-pipeline': '172.18.4.9',
  'support-bot': '10.12.0.37',
  'analytics-batch': '10.40.2.5',
  'alice-dev': '10.8.3.14',
};

const SPEED: Record<string, { tps: [number, number]; ttft: [number, number] }> = {
  groq: { tps: [250, 520], ttft: [120, 380] },
  openai: { tps: [55, 110], ttft: [350, 1200] },
  anthropic: { tps: [45, 90], ttft: [500, 1600] },
  openrouter: { tps: [35, 120], ttft: [600, 2200] },
  'azure-eu': { tps: [50, 90], ttft: [400, 1300] },
};

/** Providers with prompt caching, and the price of a cached input token relative to a fresh one. */
const CACHE_DISCOUNT: Record<string, number> = { openai: 0.5, anthropic: 0.1, 'azure-eu': 0.5 };

/** Requests per hour at a given UTC time: busier in working hours, quieter at weekends. */
function hourlyRate(ms: number): number {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const day = d.getUTCDay();
  const diurnal = h >= 8 && h < 18 ? 1.7 : h >= 6 && h < 22 ? 0.9 : 0.3;
  return 4.3 * diurnal * (day === 0 || day === 6 ? 0.45 : 1);
}

function attempt(index: number, t: Target, status: string, reason: string, retryable: boolean): Record<string, unknown> {
  return { index, provider: t.provider, model: t.model, status, reason, retryable };
}

/** Generates ~30 days of usage with matching error rows and a few debug traces. */
export function generateTraffic(
  rng: Rng,
  cfg: Config,
  now: number,
): { usage: UsageRecord[]; errors: ErrorRecord[]; debugLogs: DebugLog[] } {
  const usage: UsageRecord[] = [];
  const errors: ErrorRecord[] = [];
  const debugLogs: DebugLog[] = [];
  const cooldownStart = now - 25 * 60_000;
  const groqTrouble = now - 27 * 60_000;

  const times: number[] = [];
  const firstHour = Math.floor((now - 30 * DAY) / HOUR) * HOUR;
  for (let h = firstHour; h < now; h += HOUR) {
    const n = rng.poisson(hourlyRate(h));
    for (let i = 0; i < n; i++) times.push(h + Math.floor(rng.next() * HOUR));
  }
  // A burst of groq rate limits right before the cooldown, and traffic in the current minute.
  for (let i = 0; i < 4; i++) times.push(groqTrouble + i * 20_000);
  times.push(now - 42_000, now - 9_000, now - 2_000);
  const sorted = times.filter((t) => t <= now).sort((a, b) => a - b);

  const resolve = (alias: string): { targets: Target[]; canonical: string | null } => {
    if (alias.startsWith('direct/')) {
      const [, provider, ...model] = alias.split('/');
      return { targets: [{ provider: provider as string, model: model.join('/') }], canonical: null };
    }
    const cfgAlias = cfg.aliases[alias];
    if (!cfgAlias) return { targets: [], canonical: null };
    const out: Target[] = [];
    for (const g of cfgAlias.target_groups) {
      const ts = g.targets.filter((t) => t.provider && t.model && cfg.providers[t.provider]?.enabled !== false) as Target[];
      if (g.selector === 'in_order') out.push(...ts);
      else if (ts.length > 0) {
        const first = rng.pick(ts);
        out.push(first, ...ts.filter((t) => t !== first));
      }
    }
    return { targets: out, canonical: alias };
  };

  for (const start of sorted) {
    const key = rng.weighted(KEY_WEIGHTS);
    const isTrouble = start >= groqTrouble && start < cooldownStart;
    let alias = isTrouble ? 'fast' : rng.weighted(MODEL_CHOICES[key] ?? [['smart', 1]]);
    let failure: Failure | undefined;
    const roll = rng.next();
    if (roll < 0.003) {
      alias = rng.pick(['gpt-5-turbo', 'claude-opus-3', 'llama-4-maverick']);
      failure = { kind: 'unknown-model', message: `Model '${alias}' not found in configuration`, status: 500 };
    }
    const resolved = resolve(alias);
    const canonical = resolved.canonical;
    const targets = isTrouble
      ? [...resolved.targets.filter((t) => t.provider === 'groq'), ...resolved.targets.filter((t) => t.provider !== 'groq')]
      : resolved.targets;

    const history: Record<string, unknown>[] = [];
    const attempted: string[] = [];
    let chosen: Target | undefined;
    for (const t of targets) {
      const idx = history.length + 1;
      if (t.provider === 'groq' && t.model === 'llama-3.3-70b-versatile' && start >= cooldownStart) {
        history.push(attempt(idx, t, 'skipped', `Provider ${t.provider}/${t.model} is on cooldown`, false));
        continue;
      }
      if (t.provider === 'groq' && isTrouble) {
        attempted.push(`${t.provider}/${t.model}`);
        history.push(attempt(idx, t, 'failed', GROQ_COOLDOWN_ERROR, true));
        continue;
      }
      chosen = t;
      break;
    }
    if (!failure && chosen && roll < 0.03) {
      failure =
        roll < 0.018
          ? { kind: 'upstream', message: 'Provider returned 503: Service Unavailable', status: 503 }
          : roll < 0.026
            ? { kind: 'timeout', message: 'Request timed out after 120000ms', status: 504 }
            : { kind: 'ratelimit', message: 'Provider returned 429: Too Many Requests', status: 429 };
    }
    if (!failure && !chosen) failure = { kind: 'upstream', message: GROQ_COOLDOWN_ERROR, status: 429 };

    const requestId = rng.uuid();
    const apiType = chosen?.provider === 'anthropic' && rng.chance(0.5) ? 'messages' : 'chat';
    const outgoing = chosen ? (chosen.provider === 'anthropic' ? 'messages' : 'chat') : null;
    const speed = SPEED[chosen?.provider ?? 'openai'] ?? { tps: [60, 100], ttft: [400, 1200] };
    const rec: UsageRecord = {
      requestId,
      clientRequestId: key === 'web-app' && rng.chance(0.5) ? `web-${rng.hex(12)}` : null,
      date: new Date(start).toISOString(),
      sourceIp: SOURCE_IPS[key] ?? '10.0.0.1',
      apiKey: key,
      attribution: key === 'web-app' ? rng.pick(['chat-widget', 'search', null]) : null,
      incomingApiType: apiType,
      provider: failure?.kind === 'unknown-model' ? null : (chosen?.provider ?? null),
      attemptCount: Math.max(1, attempted.length + (chosen ? 1 : 0)),
      retryHistory: null,
      incomingModelAlias: alias,
      canonicalModelName: canonical,
      selectedModelName: chosen?.model ?? null,
      finalAttemptProvider: chosen?.provider ?? null,
      finalAttemptModel: chosen?.model ?? null,
      allAttemptedProviders: null,
      outgoingApiType: outgoing,
      tokensInput: null,
      tokensOutput: null,
      tokensReasoning: null,
      tokensCached: null,
      tokensCacheWrite: null,
      tokensEstimated: 0,
      costInput: null,
      costOutput: null,
      costCached: null,
      costCacheWrite: null,
      costTotal: null,
      costSource: null,
      costMetadata: null,
      startTime: start,
      durationMs: 0,
      isStreamed: rng.chance(0.7),
      responseStatus: failure ? 'error' : 'success',
      ttftMs: null,
      tokensPerSec: null,
      hasDebug: false,
      hasError: !!failure || attempted.length > 0,
      isPassthrough: apiType === outgoing,
      isRaw: false,
      requestMethod: null,
      requestPath: null,
      toolsDefined: rng.chance(0.3) ? rng.int(2, 12) : 0,
      messageCount: rng.int(1, 24),
      parallelToolCallsEnabled: false,
      toolCallsCount: null,
      finishReason: null,
      kwhUsed: null,
    };
    if (chosen && failure?.kind !== 'unknown-model') {
      history.push(
        failure
          ? attempt(history.length + 1, chosen, 'failed', failure.message, failure.kind !== 'timeout')
          : { ...attempt(history.length + 1, chosen, 'success', 'Request completed successfully', false), apiType: outgoing },
      );
      attempted.push(`${chosen.provider}/${chosen.model}`);
    }
    if (failure?.kind !== 'unknown-model') {
      rec.retryHistory = JSON.stringify(history);
      rec.allAttemptedProviders = JSON.stringify(attempted);
    }

    if (!failure && chosen) {
      const big = key === 'analytics-batch';
      const input = rng.logNormal(big ? 6000 : 1500, 0.9, 12, 120_000);
      const output = rng.logNormal(big ? 700 : 320, 0.8, 1, 8000);
      const reasoning = chosen.model === 'o3-mini' ? Math.round(output * (1 + rng.next())) : 0;
      const price = modelPricing(cfg.providers[chosen.provider], chosen.model) ?? { input: 1, output: 1 };
      const cacheRate = CACHE_DISCOUNT[chosen.provider];
      const cached = cacheRate !== undefined && rng.chance(0.35) ? Math.round(input * (0.4 + rng.next() * 0.5)) : 0;
      const costInput = ((input - cached) * price.input) / 1e6;
      const costOutput = ((output + reasoning) * price.output) / 1e6;
      const costCached = (cached * price.input * (cacheRate ?? 1)) / 1e6;
      const ttft = rng.int(speed.ttft[0], speed.ttft[1]);
      const tps = speed.tps[0] + rng.next() * (speed.tps[1] - speed.tps[0]);
      const toolCalls = rec.toolsDefined && rng.chance(0.4) ? rng.int(1, 3) : null;
      Object.assign(rec, {
        tokensInput: input,
        tokensOutput: output,
        tokensReasoning: reasoning,
        tokensCached: cached,
        tokensCacheWrite: 0,
        costInput,
        costOutput,
        costCached,
        costCacheWrite: 0,
        costTotal: costInput + costOutput + costCached,
        costSource: 'simple',
        costMetadata: JSON.stringify({ source: 'simple', input: price.input, output: price.output }),
        durationMs: Math.round(ttft + ((output + reasoning) / tps) * 1000),
        ttftMs: ttft,
        tokensPerSec: Math.round(tps * 10) / 10,
        toolCallsCount: toolCalls,
        finishReason: toolCalls ? 'tool_calls' : outgoing === 'messages' ? 'end_turn' : 'stop',
        kwhUsed: Math.round((input + output) * 3.2e-7 * 1e6) / 1e6,
      });
    } else {
      rec.durationMs = failure?.kind === 'timeout' ? 120_000 + rng.int(0, 40) : rng.int(15, 1800);
    }

    if (failure) {
      const allFailed =
        failure.kind === 'unknown-model'
          ? failure.message
          : `All targets failed: ${attempted.join(', ') || 'none'}. Last error: ${failure.message}`;
      const details: Record<string, unknown> = { apiType };
      if (failure.kind !== 'unknown-model')
        Object.assign(details, {
          allAttemptedProviders: attempted,
          attemptCount: attempted.length,
          retryHistory: rec.retryHistory,
          statusCode: failure.status,
        });
      errors.push({
        id: errors.length + 1,
        requestId,
        date: new Date(start + rec.durationMs).toISOString(),
        apiKey: key,
        errorMessage: allFailed,
        errorStack:
          `Error: ${allFailed}\n` +
          '    at buildAllTargetsFailedError (/app/packages/backend/src/services/dispatch/attempt-history.ts:175:24)\n' +
          '    at dispatch (/app/packages/backend/src/services/dispatch/request-manager.ts:332:20)',
        details: JSON.stringify(details),
        createdAt: start + rec.durationMs,
      });
    }

    if (key === 'alice-dev' && start > now - 2 * DAY) {
      rec.hasDebug = true;
      const body = {
        model: alias,
        messages: [{ role: 'user', content: 'Summarise the attached changelog in three bullet points.' }],
        stream: rec.isStreamed,
      };
      debugLogs.push({
        requestId,
        createdAt: start + 1,
        rawRequest: JSON.stringify(body),
        transformedRequest: chosen ? JSON.stringify({ ...body, model: chosen.model }) : null,
        rawResponse: failure ? null : JSON.stringify({ id: `chatcmpl-${rng.alnum(24)}`, object: 'chat.completion', model: chosen?.model }),
        transformedResponse: null,
        rawResponseSnapshot: null,
        transformedResponseSnapshot: null,
        requestHeaders: JSON.stringify({
          host: 'plexus.internal:4000',
          'user-agent': 'OpenAI/Python 1.54.3',
          authorization: 'Bearer sk-p...dev1',
          'content-type': 'application/json',
        }),
        responseHeaders: failure ? null : JSON.stringify({ 'content-type': 'application/json' }),
        responseStatus: failure ? null : 200,
        apiKey: key,
      });
    }
    usage.push(rec);
  }
  return { usage, errors, debugLogs };
}
