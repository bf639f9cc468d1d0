import type {
  AliasConfig,
  CheckerSnapshot,
  CooldownEntry,
  DebugLog,
  DemoSeed,
  ErrorRecord,
  KeyConfig,
  McpLogRecord,
  McpServerConfig,
  MeterHistoryRow,
  Obj,
  ProviderConfig,
  SystemLogLine,
  UsageRecord,
  UserQuotaDef,
} from './types.js';

export type UsageEvent = { event: 'started' | 'updated' | 'completed'; data: Partial<UsageRecord> };

const MAX_SYSTEM_LOGS = 100;

export interface DebugSettings {
  enabled: boolean;
  keys: string[];
  aliases: string[];
  providers: string[] | null;
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

/** `2026-11-26 18:37:47` in local time, like Plexus' system log lines. */
export function logTimestamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/**
 * The demo gateway's mutable in-memory store. Routes read and write it
 * directly; a write is visible to every later read.
 */
export class DemoState {
  providers: Record<string, ProviderConfig> = {};
  aliases: Record<string, AliasConfig> = {};
  keys: Record<string, KeyConfig> = {};
  userQuotas: Record<string, UserQuotaDef> = {};
  mcpServers: Record<string, McpServerConfig> = {};
  settings: Obj = {};
  /** Oldest first. */
  usage: UsageRecord[] = [];
  errors: ErrorRecord[] = [];
  debugLogs: DebugLog[] = [];
  mcpLogs: McpLogRecord[] = [];
  cooldowns: CooldownEntry[] = [];
  quotaSnapshots = new Map<string, CheckerSnapshot>();
  quotaHistory: MeterHistoryRow[] = [];
  /** Newest last; capped ring buffer. */
  systemLogs: SystemLogLine[] = [];
  systemLogsTotal = 0;

  debug: DebugSettings = { enabled: false, keys: [], aliases: [], providers: null };
  /** Keys that switched tracing on for themselves (`self/debug/toggle`). */
  keyTrace = new Set<string>();
  logging = { level: 'info', startupLevel: 'info', modules: [] as string[] };
  /** `key\u0000quota` → ms: usage before this instant no longer counts (quota/clear). */
  quotaResets = new Map<string, number>();
  /** model → ms: performance rows only use usage after this instant. */
  performanceResets = new Map<string, number>();
  metricsCache: { at: number; text: string } | undefined;

  private nextErrorId = 1;
  private nextHistoryId = 1;
  private readonly usageListeners = new Set<(e: UsageEvent) => void>();
  private readonly logListeners = new Set<(line: SystemLogLine, id: number) => void>();

  constructor(
    seed: DemoSeed,
    readonly now: () => number,
  ) {
    this.load(seed);
  }

  load(seed: DemoSeed): void {
    this.providers = clone(seed.providers);
    this.aliases = clone(seed.aliases);
    this.keys = clone(seed.keys);
    this.userQuotas = clone(seed.userQuotas);
    this.mcpServers = clone(seed.mcpServers);
    this.settings = clone(seed.settings);
    this.usage = clone(seed.usage).sort((a, b) => a.startTime - b.startTime);
    this.errors = clone(seed.errors);
    this.debugLogs = clone(seed.debugLogs);
    this.mcpLogs = clone(seed.mcpLogs);
    this.cooldowns = clone(seed.cooldowns);
    this.quotaSnapshots = new Map(seed.quotaSnapshots.map((s) => [s.checkerId, clone(s)]));
    this.quotaHistory = clone(seed.quotaHistory);
    this.systemLogs = clone(seed.systemLogs).slice(-MAX_SYSTEM_LOGS);
    this.systemLogsTotal = seed.systemLogs.length;
    this.nextErrorId = Math.max(0, ...this.errors.map((e) => e.id)) + 1;
    this.nextHistoryId = Math.max(0, ...this.quotaHistory.map((h) => h.id)) + 1;
  }

  // ---- keys / auth -------------------------------------------------------

  /** The key name whose secret this is, if the key is usable (not expired or disabled). */
  keyNameForSecret(secret: string): string | undefined {
    const now = this.now();
    for (const [name, k] of Object.entries(this.keys)) {
      if (k.secret !== secret) continue;
      if (k.disabledAt !== undefined || (k.expiresAt !== undefined && k.expiresAt <= now)) return undefined;
      return name;
    }
    return undefined;
  }

  // ---- system log --------------------------------------------------------

  log(message: string, level = 'info', module = 'management'): void {
    const line: SystemLogLine = { message, level, timestamp: logTimestamp(this.now()), module };
    this.systemLogs.push(line);
    this.systemLogsTotal++;
    if (this.systemLogs.length > MAX_SYSTEM_LOGS) this.systemLogs.splice(0, this.systemLogs.length - MAX_SYSTEM_LOGS);
    const id = this.now();
    for (const fn of this.logListeners) fn(line, id);
  }

  onLog(fn: (line: SystemLogLine, id: number) => void): () => void {
    this.logListeners.add(fn);
    return () => this.logListeners.delete(fn);
  }

  // ---- usage / errors ----------------------------------------------------

  onUsage(fn: (e: UsageEvent) => void): () => void {
    this.usageListeners.add(fn);
    return () => this.usageListeners.delete(fn);
  }

  /** Records a finished request (and its error row, if any) and notifies event listeners. */
  addUsage(rec: UsageRecord, error?: Omit<ErrorRecord, 'id'>): void {
    const started: Partial<UsageRecord> = {
      requestId: rec.requestId,
      date: rec.date,
      sourceIp: rec.sourceIp,
      incomingApiType: rec.incomingApiType,
      startTime: rec.startTime,
      responseStatus: 'pending',
      incomingModelAlias: rec.incomingModelAlias,
      apiKey: rec.apiKey,
    };
    this.usage.push(rec);
    if (error) this.addError(error);
    for (const fn of this.usageListeners) {
      fn({ event: 'started', data: started });
      fn({ event: 'completed', data: rec });
    }
  }

  addError(error: Omit<ErrorRecord, 'id'>): ErrorRecord {
    const row: ErrorRecord = { id: this.nextErrorId++, ...error };
    this.errors.push(row);
    return row;
  }

  addHistory(row: Omit<MeterHistoryRow, 'id'>): void {
    this.quotaHistory.push({ ...row, id: this.nextHistoryId++ } as MeterHistoryRow);
  }

  /** `DELETE logs/reset`: usage, errors, debug traces and MCP logs; config is kept. */
  clearLogs(): void {
    this.usage = [];
    this.errors = [];
    this.debugLogs = [];
    this.mcpLogs = [];
    this.metricsCache = undefined;
  }

  activeCooldowns(): CooldownEntry[] {
    const now = this.now();
    return this.cooldowns.filter((c) => c.expiry > now);
  }

  /** Effective tracing for a key: global switch, key list, or the key's own toggle. */
  traceEnabledFor(keyName: string): boolean {
    if (this.keyTrace.has(keyName)) return true;
    if (!this.debug.enabled) return false;
    return this.debug.keys.length === 0 || this.debug.keys.includes(keyName);
  }
}
