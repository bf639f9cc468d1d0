import { context, reply, text, type Reply } from '../render/reply.js';
import { isBotError } from '../base/errors.js';

const TITLES: Record<string, string> = {
  INVALID_ARGS: 'Invalid input',
  UNKNOWN_COMMAND: 'Unknown command',
  PERMISSION_DENIED: 'Not allowed',
  CONFIRM_EXPIRED: 'Confirmation expired',
  CONFIRM_NOT_YOURS: 'Not your confirmation',
  CONFIRM_UNKNOWN: 'Unknown confirmation',
  CONFIRM_USED: 'Already answered',
  UPSTREAM_HTTP: 'Plexus refused the request',
  UPSTREAM_DOWN: 'Plexus unreachable',
  UPSTREAM_INVALID: 'Unexpected answer from Plexus',
  INTERNAL: 'Something went wrong',
};

/** The user-safe reply for any error; internals stay in the log under the correlation id. */
export function errorReply(e: unknown, correlationId: string): Reply {
  if (!isBotError(e) || e.code === 'INTERNAL') {
    return reply({
      title: TITLES.INTERNAL,
      severity: 'error',
      blocks: [text('The bot hit an internal error; nothing more is known here.'), context(`Reference: ${correlationId}`)],
    });
  }
  const blocks = [text(e.message)];
  if (e.details.length > 0) blocks.push(text(e.details.map((d) => `• ${d.path ? `${d.path}: ` : ''}${d.message}`).join('\n')));
  for (const h of e.hints) blocks.push(context(h));
  if (e.code === 'UPSTREAM_DOWN' || e.code === 'UPSTREAM_INVALID') blocks.push(context(`Reference: ${correlationId}`));
  return reply({ title: TITLES[e.code] ?? 'Error', severity: 'error', blocks });
}
