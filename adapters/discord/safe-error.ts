import { DiscordAPIError, HTTPError } from 'discord.js';

/** Interaction and webhook tokens are long path segments; they are credentials. */
const maskTokens = (url: string): string => url.replace(/\/[A-Za-z0-9_.-]{40,}(?=\/|$|\?)/g, '/…');

/**
 * An error as it may be logged. A failed Discord call carries the request
 * body (an answer that may hold a secret) and a URL with the interaction's
 * token: neither goes to the log.
 */
export function safeError(e: unknown): unknown {
  if (e instanceof DiscordAPIError || e instanceof HTTPError) {
    return {
      name: e.name,
      message: e.message,
      status: e.status,
      method: e.method,
      url: maskTokens(e.url),
      ...(e instanceof DiscordAPIError ? { code: e.code } : {}),
    };
  }
  return e;
}
