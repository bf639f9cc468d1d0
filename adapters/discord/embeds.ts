/**
 * Reply → Discord message (embeds and buttons), as a pure function, and the
 * measure that lets splitReply cut a long Reply into messages that each
 * respect Discord's limits.
 */
import { createHash } from 'node:crypto';
import { ButtonStyle, ComponentType } from 'discord.js';
import { splitReply, type Measure } from '../../src/render/split.js';
import type { Action, Block, Field, Reply, Severity } from '../../src/render/reply.js';
import { layoutTable } from '../../src/render/table.js';
import { EMPTY_TABLE, SEVERITY_MARKERS } from '../../src/render/text.js';
import { clip, LIMITS } from './discord-limits.js';

export interface EmbedJSON {
  title?: string;
  description?: string;
  color: number;
  fields?: { name: string; value: string; inline?: boolean }[];
  footer?: { text: string };
}

export interface ButtonJSON {
  type: ComponentType.Button;
  style: ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Success | ButtonStyle.Danger;
  label: string;
  custom_id: string;
}

export interface ActionRowJSON {
  type: ComponentType.ActionRow;
  components: ButtonJSON[];
}

export interface DiscordMessage {
  content?: string;
  embeds: EmbedJSON[];
  /** Always present, so an edit also clears buttons that are no longer wanted. */
  components: ActionRowJSON[];
}

export const SEVERITY_COLORS: Record<Severity, number> = {
  info: 0x5865f2,
  success: 0x57f287,
  warning: 0xfee75c,
  error: 0xed4245,
};

const STYLES: Record<Action['style'], ButtonJSON['style']> = {
  primary: ButtonStyle.Primary,
  danger: ButtonStyle.Danger,
  default: ButtonStyle.Secondary,
};

/** A button id within Discord's 100 characters: long ids become `ref:<hash>` (the adapter remembers them). */
export function actionCustomId(id: string): string {
  if (id.length <= LIMITS.customId) return id;
  return `ref:${createHash('sha256').update(id).digest('base64url').slice(0, 32)}`;
}

/** Keeps a ``` inside a value from closing the code block around it. */
const fenceSafe = (s: string): string => s.replace(/```/g, '`\u200b``');

const TABLE_COL_WIDTH = 32;

function markdown(block: Block): string {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'context':
      return block.text
        .split('\n')
        .map((l) => (l.trim() ? `-# ${l}` : ''))
        .join('\n');
    case 'code':
      return `\`\`\`${block.lang ?? ''}\n${fenceSafe(block.text.replace(/\n+$/, ''))}\n\`\`\``;
    case 'table':
      return `\`\`\`\n${fenceSafe(layoutTable(block.columns, block.rows, { empty: EMPTY_TABLE, maxColWidth: TABLE_COL_WIDTH }))}\n\`\`\``;
    case 'fields':
      return block.fields.map((f) => `**${f.label}:** ${f.value}`).join('\n');
  }
}

const fieldValue = (f: Field): string => (f.value.trim() === '' ? '—' : f.value);
const fitsAsFields = (fields: readonly Field[], already: number): boolean =>
  already + fields.length <= LIMITS.embedFields &&
  fields.every((f) => f.label.trim() !== '' && f.label.length <= LIMITS.fieldName && fieldValue(f).length <= LIMITS.fieldValue);

/** Footers show no markdown: inline code marks are dropped there. */
const footerText = (blocks: Block[]): string =>
  blocks
    .map((b) => (b.type === 'context' ? b.text : ''))
    .join('\n')
    .replace(/`([^`\n]*)`/g, '$1');

function buttons(actions: readonly Action[]): ActionRowJSON[] {
  const rows: ActionRowJSON[] = [];
  for (const a of actions.slice(0, LIMITS.actionRows * LIMITS.buttonsPerRow)) {
    let row = rows[rows.length - 1];
    if (!row || row.components.length >= LIMITS.buttonsPerRow) {
      row = { type: ComponentType.ActionRow, components: [] };
      rows.push(row);
    }
    row.components.push({
      type: ComponentType.Button,
      style: STYLES[a.style] ?? ButtonStyle.Secondary,
      label: clip(a.label || a.id, LIMITS.buttonLabel),
      custom_id: actionCustomId(a.id),
    });
  }
  return rows;
}

/**
 * One message for a Reply: blocks in reading order in the embed description,
 * short field lists as embed fields (a new embed starts when text follows
 * fields), trailing context lines as the footer, tables as code blocks, the
 * colour from the severity, actions as buttons. Limits are not enforced here:
 * {@link measureMessage} reports a message that breaks them.
 */
export function renderReply(reply: Reply): DiscordMessage {
  const color = SEVERITY_COLORS[reply.severity] ?? SEVERITY_COLORS.info;
  const blocks = [...reply.blocks];
  let tail = blocks.length;
  while (tail > 0 && blocks[tail - 1]?.type === 'context') tail--;
  let trailing = blocks.slice(tail);
  let footer = footerText(trailing);
  if (footer.length > LIMITS.footer) {
    trailing = [];
    footer = '';
  }
  const body = blocks.slice(0, blocks.length - trailing.length);

  const embeds: EmbedJSON[] = [];
  let cur: EmbedJSON = { color };
  embeds.push(cur);
  if (reply.title) {
    const marker = SEVERITY_MARKERS[reply.severity];
    cur.title = clip(marker ? `${marker} ${reply.title}` : reply.title, LIMITS.embedTitle);
  }
  for (const b of body) {
    if (b.type === 'fields' && b.fields.length > 0 && fitsAsFields(b.fields, cur.fields?.length ?? 0)) {
      cur.fields = [
        ...(cur.fields ?? []),
        ...b.fields.map((f) => ({ name: f.label, value: fieldValue(f), inline: f.value.length <= 40 && !f.value.includes('\n') })),
      ];
      continue;
    }
    const md = markdown(b);
    if (md.trim() === '') continue;
    if (cur.fields?.length) {
      cur = { color };
      embeds.push(cur);
    }
    cur.description = cur.description ? `${cur.description}\n\n${md}` : md;
  }
  if (footer) cur.footer = { text: footer };
  if (embeds.length === 1 && !cur.title && !cur.description && !cur.fields?.length && !cur.footer) cur.description = '(empty answer)';
  return { embeds, components: buttons(reply.actions ?? []) };
}

/** Characters Discord counts towards the 6000 of a message's embeds; Infinity when any other limit is broken. */
export function measureMessage(m: DiscordMessage): number {
  if (m.embeds.length > LIMITS.embeds || (m.content?.length ?? 0) > LIMITS.content || m.components.length > LIMITS.actionRows)
    return Infinity;
  let total = 0;
  for (const e of m.embeds) {
    const title = e.title?.length ?? 0;
    const description = e.description?.length ?? 0;
    const footer = e.footer?.text.length ?? 0;
    const fields = e.fields ?? [];
    if (title > LIMITS.embedTitle || description > LIMITS.embedDescription || footer > LIMITS.footer || fields.length > LIMITS.embedFields)
      return Infinity;
    for (const f of fields) {
      if (f.name.length > LIMITS.fieldName || f.value.length > LIMITS.fieldValue) return Infinity;
      total += f.name.length + f.value.length;
    }
    total += title + description + footer;
  }
  return total;
}

export const discordMeasure: Measure = (part) => measureMessage(renderReply(part));

/** The Reply cut into parts that each render to one valid Discord message. */
export function splitForDiscord(reply: Reply): Reply[] {
  return splitReply(reply, { maxChars: LIMITS.embedTotal }, discordMeasure);
}
