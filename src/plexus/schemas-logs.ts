/** Schemas of the record-like answers: usage, usage summary, errors, debug traces, MCP logs, system logs. */
import { z } from 'zod';
import { bool, boolLike, count, listOf, num, numberLike, page, parseJsonField, str, strList, text } from './schema-helpers.js';

/**
 * One usage row (48 camelCase fields). Every field is optional (`fields=` returns
 * only the requested ones, `{}` for unknown names) and most are nullable (failed requests have no tokens or cost).
 */
export const usageRecordSchema = z.looseObject({
  requestId: str,
  clientRequestId: str,
  date: str,
  sourceIp: str,
  apiKey: str,
  attribution: str,
  incomingApiType: str,
  provider: str,
  attemptCount: num,
  /** JSON string: see {@link parseRetryHistory}. */
  retryHistory: text,
  incomingModelAlias: str,
  canonicalModelName: str,
  selectedModelName: str,
  finalAttemptProvider: str,
  finalAttemptModel: str,
  /** JSON string (array of `provider/model`). */
  allAttemptedProviders: text,
  outgoingApiType: str,
  tokensInput: num,
  tokensOutput: num,
  tokensReasoning: num,
  tokensCached: num,
  tokensCacheWrite: num,
  tokensEstimated: z.union([num, bool]),
  costInput: num,
  costOutput: num,
  costCached: num,
  costCacheWrite: num,
  costTotal: num,
  costSource: str,
  costMetadata: text,
  startTime: num,
  durationMs: num,
  isStreamed: bool,
  /** `success` | `error` | `pending`. */
  responseStatus: str,
  ttftMs: num,
  tokensPerSec: num,
  hasDebug: bool,
  hasError: bool,
  isPassthrough: bool,
  isRaw: bool,
  requestMethod: str,
  requestPath: str,
  toolsDefined: num,
  messageCount: num,
  parallelToolCallsEnabled: bool,
  toolCallsCount: num,
  finishReason: str,
  kwhUsed: num,
});
export type UsageRecord = z.output<typeof usageRecordSchema>;

export const usagePageSchema = page(usageRecordSchema);
export type UsagePage = z.output<typeof usagePageSchema>;

export const usageSeriesPointSchema = z.looseObject({
  bucketStartMs: numberLike,
  requests: count,
  inputTokens: count,
  outputTokens: count,
  cachedTokens: count,
  cacheWriteTokens: count,
  kwhUsed: count,
  tokens: count,
});
export type UsageSeriesPoint = z.output<typeof usageSeriesPointSchema>;

/** `GET usage/summary`: `{range, series[], stats, today}`; `range` is always answered, the rest reads as empty when missing. */
export const usageSummarySchema = z.looseObject({
  range: z.string(),
  series: listOf(usageSeriesPointSchema),
  stats: z
    .looseObject({
      totalRequests: count,
      totalTokens: count,
      totalKwhUsed: count,
      avgDurationMs: count,
      totalDurationMs: count,
    })
    .nullish()
    .transform((s) => s ?? { totalRequests: 0, totalTokens: 0, totalKwhUsed: 0, avgDurationMs: 0, totalDurationMs: 0 }),
  today: z
    .looseObject({
      requests: count,
      inputTokens: count,
      outputTokens: count,
      reasoningTokens: count,
      cachedTokens: count,
      cacheWriteTokens: count,
      kwhUsed: count,
      totalCost: count,
    })
    .nullish()
    .transform(
      (t) =>
        t ?? {
          requests: 0,
          inputTokens: 0,
          outputTokens: 0,
          reasoningTokens: 0,
          cachedTokens: 0,
          cacheWriteTokens: 0,
          kwhUsed: 0,
          totalCost: 0,
        },
    ),
});
export type UsageSummary = z.output<typeof usageSummarySchema>;

/** One inference error. `details` stays a JSON string: read it with {@link parseErrorDetails}. */
export const errorRecordSchema = z.looseObject({
  id: num,
  requestId: z.string(),
  date: str,
  apiKey: str,
  errorMessage: str,
  errorStack: str,
  details: text,
  createdAt: num,
});
export type ErrorRecord = z.output<typeof errorRecordSchema>;

export const errorPageSchema = page(errorRecordSchema);
export type ErrorPage = z.output<typeof errorPageSchema>;

export const retryHistoryEntrySchema = z.looseObject({
  index: num,
  provider: str,
  model: str,
  status: str,
  reason: str,
  retryable: bool,
});
export type RetryHistoryEntry = z.output<typeof retryHistoryEntrySchema>;

/** Lenient: a broken entry is dropped, not the whole list. */
const retryHistoryListSchema = z.array(z.unknown()).transform((items) =>
  items.flatMap((item) => {
    const r = retryHistoryEntrySchema.safeParse(item);
    return r.success ? [r.data] : [];
  }),
);

/** `retryHistory` (a JSON string in usage rows and error details) → entries; [] when absent or broken. */
export const parseRetryHistory = (value: string | null | undefined): RetryHistoryEntry[] =>
  parseJsonField(retryHistoryListSchema, value) ?? [];

export const errorDetailsSchema = z.looseObject({
  apiType: str,
  allAttemptedProviders: strList,
  attemptCount: num,
  retryHistory: text,
  statusCode: num,
});
export type ErrorDetails = z.output<typeof errorDetailsSchema>;

/** The JSON string in `ErrorRecord.details`; undefined when absent, broken or not an object. */
export const parseErrorDetails = (value: string | null | undefined): ErrorDetails | undefined => parseJsonField(errorDetailsSchema, value);

/** `GET debug` (admin form has `enabledKeys`, limited form has `enabledForKey`). */
export const debugStateSchema = z.looseObject({
  enabled: boolLike,
  enabledGlobal: bool,
  enabledForKey: bool,
  enabledKeys: strList,
  providers: strList,
  keys: strList,
  aliases: strList,
});
export type DebugState = z.output<typeof debugStateSchema>;

export const debugLogSummarySchema = z.looseObject({
  requestId: z.string(),
  createdAt: num,
  /** HTTP status (unlike usage's string `responseStatus`). */
  responseStatus: num,
});
export type DebugLogSummary = z.output<typeof debugLogSummarySchema>;

export const debugLogPageSchema = page(debugLogSummarySchema);
export type DebugLogPage = z.output<typeof debugLogPageSchema>;

export const debugLogDetailSchema = z.looseObject({
  requestId: z.string(),
  createdAt: num,
  rawRequest: text,
  transformedRequest: text,
  rawResponse: text,
  transformedResponse: text,
  rawResponseSnapshot: text,
  transformedResponseSnapshot: text,
  requestHeaders: text,
  responseHeaders: text,
  responseStatus: num,
});
export type DebugLogDetail = z.output<typeof debugLogDetailSchema>;

/** One MCP proxy call (snake_case, unlike usage). */
export const mcpLogRecordSchema = z.looseObject({
  request_id: z.string(),
  created_at: str,
  start_time: num,
  duration_ms: num,
  server_name: str,
  upstream_url: str,
  method: str,
  jsonrpc_method: str,
  tool_name: str,
  api_key: str,
  attribution: str,
  source_ip: str,
  response_status: num,
  is_streamed: bool,
  has_debug: bool,
  error_code: str,
  error_message: str,
});
export type McpLogRecord = z.output<typeof mcpLogRecordSchema>;

export const mcpLogPageSchema = page(mcpLogRecordSchema);
export type McpLogPage = z.output<typeof mcpLogPageSchema>;

export const systemLogEntrySchema = z.looseObject({
  message: z.string(),
  level: str,
  timestamp: str,
  module: str,
});
export type SystemLogEntry = z.output<typeof systemLogEntrySchema>;

export const systemLogPageSchema = page(systemLogEntrySchema);
export type SystemLogPage = z.output<typeof systemLogPageSchema>;
