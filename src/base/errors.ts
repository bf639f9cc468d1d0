/**
 * One small family of errors. `message` is safe to show a user; `cause`
 * (never shown) goes to the log with the correlation id.
 */
export type ErrorCode =
  | 'INVALID_ARGS'
  | 'UNKNOWN_COMMAND'
  | 'PERMISSION_DENIED'
  | 'CONFIRM_EXPIRED'
  | 'CONFIRM_NOT_YOURS'
  | 'CONFIRM_UNKNOWN'
  | 'CONFIRM_USED'
  | 'UPSTREAM_HTTP'
  | 'UPSTREAM_DOWN'
  | 'UPSTREAM_INVALID'
  | 'INTERNAL';

export interface FieldIssue {
  path: string;
  message: string;
}

export class BotError extends Error {
  readonly code: ErrorCode;
  readonly details: FieldIssue[];
  /** Extra lines for the user (usage line, suggestions). */
  readonly hints: string[];

  constructor(code: ErrorCode, message: string, opts: { details?: FieldIssue[]; hints?: string[]; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'BotError';
    this.code = code;
    this.details = opts.details ?? [];
    this.hints = opts.hints ?? [];
  }
}

export const isBotError = (e: unknown): e is BotError => e instanceof BotError;
