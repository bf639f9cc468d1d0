/**
 * Reply → Block Kit, as a pure function. Every message keeps inside Slack's
 * documented limits; a Reply too big for one message is cut by
 * {@link splitForSlack} into several that each fit.
 */
import type { types } from '@slack/bolt';
import { formatBytes } from '../../src/render/format.js';
import type { Action, Block, Reply, Severity } from '../../src/render/reply.js';
import { splitReply } from '../../src/render/split.js';
import { layoutTable } from '../../src/render/table.js';
import { EMPTY_TABLE, renderText } from '../../src/render/text.js';

type KnownBlock = types.KnownBlock;
type Button = types.Button;

export const SLACK_LIMITS = {
  blocks: 50,
  headerChars: 150,
  textChars: 3000,
  fieldsPerSection: 10,
  fieldChars: 2000,
  contextElements: 10,
  actionsPerBlock: 25,
  actionIdChars: 255,
  buttonTextChars: 75,
  buttonValueChars: 2000,
  confirmTitleChars: 100,
  confirmTextChars: 300,
  confirmButtonChars: 30,
  /** Serialized blocks per message: Slack refuses messages around 13 k. */
  messageChars: 12_000,
  /** The notification / fallback `text`. */
  fallbackChars: 3000,
} as const;

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

const SEVERITY_EMOJI: Record<Severity, string> = { info: '', success: '✅', warning: '⚠️', error: '❌' };

const escapeAll = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const MENTION = /<@[UW][A-Z0-9]{2,}>/g;

/**
 * Escapes Slack's control characters (&, <, >) so user and server text can
 * neither link, mention nor broadcast. User mentions (`<@U…>`, which the
 * adapter puts in "by …" lines) stay: they name one person and notify no one else.
 */
export function escapeMrkdwn(s: string): string {
  let out = '';
  let last = 0;
  for (const m of s.matchAll(MENTION)) {
    out += escapeAll(s.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return out + escapeAll(s.slice(last));
}

/** Cuts escaped text to `max` characters without leaving half an entity; ends in '…' when cut. */
function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  return `${s.slice(0, max - 1).replace(/&[a-z]{0,4}$/, '')}…`;
}

const plain = (t: string, max: number): types.PlainTextElement => ({ type: 'plain_text', text: clip(t.trim() || ' ', max), emoji: true });
const mrkdwn = (t: string): types.MrkdwnElement => ({ type: 'mrkdwn', text: t === '' ? ' ' : t });
/** Triple backticks inside a code block would end it early. */
const fenceSafe = (t: string): string => t.replace(/```/g, '`\u200b`\u200b`');
const preformatted = (t: string): string => `\`\`\`\n${escapeMrkdwn(fenceSafe(t.replace(/\n+$/, '')))}\n\`\`\``;

interface RenderMode {
  /** Clip over-long texts (the safety net); off when measuring, so the splitter sees the true size. */
  clip: boolean;
}

const sectionText = (t: string, mode: RenderMode): string => {
  if (!mode.clip || t.length <= SLACK_LIMITS.textChars) return t;
  // Keep a code fence closed when cutting one.
  return t.startsWith('```') ? `${clip(t.slice(0, -4), SLACK_LIMITS.textChars - 4)}\n\`\`\`` : clip(t, SLACK_LIMITS.textChars);
};

function blockToSlack(b: Block, mode: RenderMode): KnownBlock[] {
  switch (b.type) {
    case 'text':
      return b.text.trim() === '' ? [] : [{ type: 'section', text: mrkdwn(sectionText(escapeMrkdwn(b.text), mode)) }];
    case 'fields': {
      const out: KnownBlock[] = [];
      for (let i = 0; i < b.fields.length; i += SLACK_LIMITS.fieldsPerSection) {
        const chunk = b.fields.slice(i, i + SLACK_LIMITS.fieldsPerSection);
        out.push({
          type: 'section',
          fields: chunk.map((f) => {
            const t = `*${escapeMrkdwn(f.label)}*\n${escapeMrkdwn(f.value === '' ? '—' : f.value)}`;
            return mrkdwn(mode.clip ? clip(t, SLACK_LIMITS.fieldChars) : t);
          }),
        });
      }
      return out;
    }
    case 'table':
      return [{ type: 'section', text: mrkdwn(sectionText(preformatted(layoutTable(b.columns, b.rows, { empty: EMPTY_TABLE })), mode)) }];
    case 'code':
      return b.text.trim() === '' ? [] : [{ type: 'section', text: mrkdwn(sectionText(preformatted(b.text), mode)) }];
    case 'context':
      return b.text.trim() === '' ? [] : [{ type: 'context', elements: [mrkdwn(sectionText(escapeMrkdwn(b.text), mode))] }];
  }
}

/**
 * Buttons in blocks of at most 25. The action id goes in `action_id` when it
 * fits (255 chars, unique in the message); otherwise a placeholder, and the
 * real id travels in `value` (see {@link actionIdOf}).
 */
function actionBlocks(actions: readonly Action[]): KnownBlock[] {
  const seen = new Set<string>();
  const buttons: Button[] = [];
  actions.forEach((a, i) => {
    if (a.id.length > SLACK_LIMITS.buttonValueChars) return;
    const fits = a.id.length <= SLACK_LIMITS.actionIdChars && !seen.has(a.id);
    const actionId = fits ? a.id : `long:${i}`;
    seen.add(actionId);
    const button: Button = { type: 'button', action_id: actionId, text: plain(a.label, SLACK_LIMITS.buttonTextChars), value: a.id };
    if (a.style !== 'default') button.style = a.style;
    if (a.confirmText) {
      button.confirm = {
        title: plain(`${a.label}?`, SLACK_LIMITS.confirmTitleChars),
        text: plain(a.confirmText, SLACK_LIMITS.confirmTextChars),
        confirm: plain(a.label, SLACK_LIMITS.confirmButtonChars),
        deny: plain('Back', SLACK_LIMITS.confirmButtonChars),
        ...(a.style === 'danger' ? { style: 'danger' as const } : {}),
      };
    }
    buttons.push(button);
  });
  const out: KnownBlock[] = [];
  for (let i = 0; i < buttons.length; i += SLACK_LIMITS.actionsPerBlock) {
    out.push({ type: 'actions', elements: buttons.slice(i, i + SLACK_LIMITS.actionsPerBlock) });
  }
  return out;
}

/** The Reply action id a clicked button stands for. */
export function actionIdOf(action: { action_id: string; value?: string }): string {
  return /^long:\d+$/.test(action.action_id) && action.value ? action.value : action.action_id;
}

/** Puts the severity emoji in front of the first text, or on a line of its own. */
function markSeverity(blocks: KnownBlock[], emoji: string): KnownBlock[] {
  const first = blocks[0];
  if (first?.type === 'section' && first.text && !first.text.text.startsWith('```')) {
    return [{ ...first, text: { ...first.text, text: `${emoji} ${first.text.text}` } }, ...blocks.slice(1)];
  }
  return [{ type: 'context', elements: [mrkdwn(emoji)] }, ...blocks];
}

function render(reply: Reply, mode: RenderMode): KnownBlock[] {
  const emoji = SEVERITY_EMOJI[reply.severity];
  let body = reply.blocks.flatMap((b) => blockToSlack(b, mode));
  if (reply.file) {
    const size = reply.file.bytes ?? reply.file.content?.length;
    body.push({
      type: 'context',
      elements: [mrkdwn(`📎 *${escapeMrkdwn(reply.file.name)}*${size === undefined ? '' : ` (${formatBytes(size)})`}`)],
    });
  }
  const title = reply.title?.trim();
  if (!title && emoji) body = markSeverity(body, emoji);
  const head: KnownBlock[] = title ? [{ type: 'header', text: plain(emoji ? `${emoji} ${title}` : title, SLACK_LIMITS.headerChars) }] : [];
  const blocks = [...head, ...body, ...actionBlocks(reply.actions ?? [])];
  return blocks.length > 0 ? blocks : [{ type: 'section', text: mrkdwn(' ') }];
}

/** The plain `text` of a message: notifications, screen readers, clients without blocks. */
export const fallbackText = (reply: Reply): string => clip(escapeMrkdwn(renderText(reply)), SLACK_LIMITS.fallbackChars) || ' ';

/** One Slack message for `reply`, clipped to the limits if it is too big (split first to avoid that). */
export function renderBlockKit(reply: Reply): SlackMessage {
  const blocks = render(reply, { clip: true }).slice(0, SLACK_LIMITS.blocks);
  return { text: fallbackText(reply), blocks };
}

/** Which Slack limits `blocks` break (empty when none). Shared by the measure and the tests. */
export function limitProblems(blocks: readonly KnownBlock[]): string[] {
  const problems: string[] = [];
  if (blocks.length > SLACK_LIMITS.blocks) problems.push(`${blocks.length} blocks`);
  for (const b of blocks) {
    if (b.type === 'header' && b.text.text.length > SLACK_LIMITS.headerChars) problems.push('header too long');
    if (b.type === 'section') {
      if (b.text && b.text.text.length > SLACK_LIMITS.textChars) problems.push('section text too long');
      if (b.fields && b.fields.length > SLACK_LIMITS.fieldsPerSection) problems.push('too many fields');
      if (b.fields?.some((f) => f.text.length > SLACK_LIMITS.fieldChars)) problems.push('field too long');
    }
    if (b.type === 'context' && b.elements.some((e) => 'text' in e && e.text.length > SLACK_LIMITS.textChars))
      problems.push('context too long');
  }
  if (JSON.stringify(blocks).length > SLACK_LIMITS.messageChars) problems.push('message too long');
  return problems;
}

/** Size of a part as Slack counts it, or Infinity when it would break a limit. */
export function measureBlockKit(part: Reply): number {
  const blocks = render(part, { clip: false });
  return limitProblems(blocks).length > 0 ? Infinity : JSON.stringify(blocks).length;
}

/** Parts of `reply` that each render within Slack's limits, in reading order. */
export function splitForSlack(reply: Reply): Reply[] {
  return splitReply(reply, { maxChars: SLACK_LIMITS.messageChars, maxBlocks: SLACK_LIMITS.blocks - 5 }, measureBlockKit);
}
