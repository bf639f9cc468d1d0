/**
 * Data shapes held by the demo gateway. Field names follow the wire format of
 * the real Plexus management API (camelCase for usage/errors, snake_case for
 * provider config and MCP logs) so records can be returned as they are.
 */

export type Obj = Record<string, unknown>;

export interface ModelPricing {
  source: 'simple';
  input: number;
  output: number;
}

/** Provider config as stored and returned by `GET providers/{slug}` (no slug field). */
export interface ProviderConfig extends Obj {
  api_base_url: string | Record<string, string>;
  display_name?: string;
  api_key?: string;
  enabled: boolean;
  models?: string[] | Record<string, { pricing?: ModelPricing } & Obj>;
  quota_checker?: QuotaCheckerConfig;
}

export interface QuotaCheckerConfig extends Obj {
  type: string;
  enabled: boolean;
  intervalMinutes: number;
  id?: string;
  options?: Obj;
}

export interface AliasTarget extends Obj {
  provider?: string;
  model?: string;
  alias?: string;
  enabled?: boolean;
}

export interface AliasGroup extends Obj {
  name: string;
  selector: string;
  targets: AliasTarget[];
}

export interface AliasConfig extends Obj {
  target_groups: AliasGroup[];
  priority: string;
  use_image_fallthrough: boolean;
  enforce_limits: boolean;
  sticky_session: boolean;
}

export interface KeyConfig {
  secret: string;
  comment?: string;
  quotas?: string[];
  allowedModels?: string[];
  allowedProviders?: string[];
  excludedModels?: string[];
  excludedProviders?: string[];
  allowRawPassthrough: boolean;
  allowedIps?: string[];
  expiresAt?: number;
  disabledAt?: number;
}

export type UserQuotaType = 'rolling' | 'daily' | 'weekly' | 'monthly';
export type LimitType = 'requests' | 'tokens' | 'cost';

export interface UserQuotaDef extends Obj {
  type: UserQuotaType;
  limitType: LimitType;
  limit: number;
  duration?: string;
  allowedProviders?: string[];
  excludedProviders?: string[];
  allowedModels?: string[];
  excludedModels?: string[];
  shared?: boolean;
  warnAt?: number;
}

export interface McpServerConfig extends Obj {
  enabled: boolean;
}

export type ResponseStatus = 'success' | 'error' | 'pending' | 'quota_exceeded';

/** One row of `GET usage` (48 keys, in wire order). */
export interface UsageRecord {
  requestId: string;
  clientRequestId: string | null;
  date: string;
  sourceIp: string | null;
  apiKey: string | null;
  attribution: string | null;
  incomingApiType: string;
  provider: string | null;
  attemptCount: number;
  retryHistory: string | null;
  incomingModelAlias: string | null;
  canonicalModelName: string | null;
  selectedModelName: string | null;
  finalAttemptProvider: string | null;
  finalAttemptModel: string | null;
  allAttemptedProviders: string | null;
  outgoingApiType: string | null;
  tokensInput: number | null;
  tokensOutput: number | null;
  tokensReasoning: number | null;
  tokensCached: number | null;
  tokensCacheWrite: number | null;
  tokensEstimated: number;
  costInput: number | null;
  costOutput: number | null;
  costCached: number | null;
  costCacheWrite: number | null;
  costTotal: number | null;
  costSource: string | null;
  costMetadata: string | null;
  startTime: number;
  durationMs: number;
  isStreamed: boolean;
  responseStatus: ResponseStatus;
  ttftMs: number | null;
  tokensPerSec: number | null;
  hasDebug: boolean;
  hasError: boolean;
  isPassthrough: boolean;
  isRaw: boolean;
  requestMethod: string | null;
  requestPath: string | null;
  toolsDefined: number | null;
  messageCount: number | null;
  parallelToolCallsEnabled: boolean | null;
  toolCallsCount: number | null;
  finishReason: string | null;
  kwhUsed: number | null;
}

export interface ErrorRecord {
  id: number;
  requestId: string;
  date: string;
  apiKey: string | null;
  errorMessage: string;
  errorStack: string;
  details: string;
  createdAt: number;
}

export interface DebugLog {
  requestId: string;
  createdAt: number;
  rawRequest: string | null;
  transformedRequest: string | null;
  rawResponse: string | null;
  transformedResponse: string | null;
  rawResponseSnapshot: string | null;
  transformedResponseSnapshot: string | null;
  requestHeaders: string | null;
  responseHeaders: string | null;
  responseStatus: number | null;
  /** Not part of the wire format; used to scope limited principals. */
  apiKey?: string | null;
}

export interface McpLogRecord {
  request_id: string;
  created_at: string;
  start_time: number;
  duration_ms: number;
  server_name: string;
  upstream_url: string;
  method: string;
  jsonrpc_method: string | null;
  tool_name: string | null;
  api_key: string | null;
  attribution: string | null;
  source_ip: string | null;
  response_status: number;
  is_streamed: boolean;
  has_debug: boolean;
  error_code: string | null;
  error_message: string | null;
}

export interface CooldownEntry {
  provider: string;
  model: string;
  expiry: number;
  consecutiveFailures: number;
  lastError: string;
}

export interface Meter extends Obj {
  key: string;
  label: string;
  kind: 'balance' | 'allowance';
  unit: string;
  limit: number | null;
  used: number | null;
  remaining: number | null;
  utilizationPercent: number | 'unknown' | 'not_applicable';
  status: 'ok' | 'warning' | 'critical' | 'exhausted';
}

export interface CheckerSnapshot {
  checkerId: string;
  checkerType: string;
  provider: string;
  checkedAt: string;
  success: boolean;
  meters: Meter[];
  error?: string;
}

export interface MeterHistoryRow extends Obj {
  id: number;
  checkerId: string;
  meterKey: string;
  checkedAt: string;
}

export interface SystemLogLine {
  message: string;
  level: string;
  timestamp: string;
  module: string;
}

/** Everything the demo gateway starts from. Plain JSON data; the state deep-copies it. */
export interface DemoSeed {
  providers: Record<string, ProviderConfig>;
  aliases: Record<string, AliasConfig>;
  keys: Record<string, KeyConfig>;
  userQuotas: Record<string, UserQuotaDef>;
  mcpServers: Record<string, McpServerConfig>;
  settings: Obj;
  usage: UsageRecord[];
  errors: ErrorRecord[];
  debugLogs: DebugLog[];
  mcpLogs: McpLogRecord[];
  cooldowns: CooldownEntry[];
  quotaSnapshots: CheckerSnapshot[];
  quotaHistory: MeterHistoryRow[];
  systemLogs: SystemLogLine[];
}
