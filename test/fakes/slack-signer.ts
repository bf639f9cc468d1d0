/**
 * What Slack sends to a request URL: form bodies signed with the app's
 * signing secret (`v0=` + HMAC-SHA256 of `v0:{timestamp}:{body}`).
 */
import { createHmac } from 'node:crypto';

export function signature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface Posted {
  status: number;
  body: string;
  /** Time from sending to the complete answer. */
  ms: number;
}

export interface SignOptions {
  /** Seconds since the epoch (default now). */
  timestamp?: number;
  /** Sign this body, send `body` (a tampered request). */
  signedBody?: string;
  /** Send this signature instead. */
  signature?: string;
  contentType?: string;
  /** More headers (a retry's `x-slack-retry-num`, `x-slack-retry-reason`). */
  headers?: Record<string, string>;
}

export async function postSigned(url: string, secret: string, body: string, o: SignOptions = {}): Promise<Posted> {
  const ts = o.timestamp ?? Math.floor(Date.now() / 1000);
  const started = Date.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': o.contentType ?? 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': o.signature ?? signature(secret, ts, o.signedBody ?? body),
      ...o.headers,
    },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: text, ms: Date.now() - started };
}

/** Like Slack's: unique per invocation or click. */
const triggerId = (n: number): string => `${Date.now()}.${n}.${Math.random().toString(16).slice(2, 14)}`;

/** The form fields of a slash command invocation. */
export function slashCommandFields(o: {
  text: string;
  user: string;
  channel: string;
  channelName?: string;
  responseUrl: string;
  command?: string;
  team?: string;
}): Record<string, string> {
  return {
    token: 'legacy-verification-token',
    team_id: o.team ?? 'T0PLEXUS',
    team_domain: 'plexus-test',
    channel_id: o.channel,
    channel_name: o.channelName ?? (o.channel.startsWith('D') ? 'directmessage' : 'llm-ops'),
    user_id: o.user,
    user_name: o.user.toLowerCase(),
    command: o.command ?? '/plexus',
    text: o.text,
    api_app_id: 'A0PLEXUS',
    is_enterprise_install: 'false',
    response_url: o.responseUrl,
    trigger_id: triggerId(1),
  };
}

/** A `block_actions` payload for a button click. */
export function buttonClick(o: {
  actionId: string;
  value?: string;
  user: string;
  channel: string;
  responseUrl: string;
  messageTs?: string;
  ephemeral?: boolean;
  team?: string;
}): Record<string, unknown> {
  const ts = o.messageTs ?? `${Math.floor(Date.now() / 1000)}.000100`;
  return {
    type: 'block_actions',
    user: { id: o.user, username: o.user.toLowerCase(), name: o.user.toLowerCase(), team_id: o.team ?? 'T0PLEXUS' },
    api_app_id: 'A0PLEXUS',
    token: 'legacy-verification-token',
    container: { type: 'message', message_ts: ts, channel_id: o.channel, is_ephemeral: o.ephemeral ?? true },
    trigger_id: triggerId(2),
    team: { id: o.team ?? 'T0PLEXUS', domain: 'plexus-test' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: o.channel, name: o.channel.startsWith('D') ? 'directmessage' : 'llm-ops' },
    ...(o.ephemeral === false ? { message: { type: 'message', ts, text: '', user: 'U0PLEXUSBOT', bot_id: 'B0PLEXUSBOT' } } : {}),
    state: { values: {} },
    response_url: o.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: o.actionId,
        block_id: 'b1',
        text: { type: 'plain_text', text: 'x' },
        value: o.value ?? o.actionId,
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
}

/** An Events API callback wrapping `event`. */
export function eventCallback(event: Record<string, unknown>, team = 'T0PLEXUS'): Record<string, unknown> {
  return {
    token: 'legacy-verification-token',
    team_id: team,
    api_app_id: 'A0PLEXUS',
    event,
    type: 'event_callback',
    event_id: `Ev${Math.random().toString(36).slice(2, 12).toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: team, user_id: 'U0PLEXUSBOT', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  };
}
