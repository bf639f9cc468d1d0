/**
 * The platform-neutral answer of a command. Adapters turn it into Block Kit,
 * embeds or plain text; commands never build platform payloads themselves.
 * A Reply is a list of blocks in reading order so renderers can split it
 * between blocks (or between table rows) when a platform limit is reached.
 */
export type Severity = 'info' | 'success' | 'warning' | 'error';

export interface Field {
  label: string;
  value: string;
}

export type Align = 'left' | 'right';

export interface TableColumn {
  header: string;
  align?: Align;
}

export type Block =
  | { type: 'text'; text: string }
  | { type: 'fields'; fields: Field[] }
  | { type: 'table'; columns: TableColumn[]; rows: string[][] }
  | { type: 'code'; text: string; lang?: string }
  | { type: 'context'; text: string };

export type ActionStyle = 'primary' | 'danger' | 'default';

/** A button. `id` is opaque to renderers (e.g. `confirm:<token>`). */
export interface Action {
  id: string;
  label: string;
  style: ActionStyle;
  /** Text of a native "are you sure" dialog, where the platform has one. */
  confirmText?: string;
}

export interface ReplyFile {
  name: string;
  content?: Buffer;
  contentType?: string;
  path?: string;
  bytes?: number;
}

export interface Reply {
  title?: string;
  severity: Severity;
  blocks: Block[];
  actions?: Action[];
  /** Holds a secret or a private payload: deliver only to the requester. */
  private?: boolean;
  /**
   * A file to deliver alongside (backups, exports); never rendered inline.
   * Commands set `content`; the console writes it (mode 0600) and fills `path`,
   * chat adapters upload it (privately when the reply is private).
   */
  file?: ReplyFile;
}

export function reply(init: Partial<Reply> & { blocks?: Block[] } = {}): Reply {
  return { severity: 'info', blocks: [], ...init };
}

export const text = (t: string): Block => ({ type: 'text', text: t });
export const context = (t: string): Block => ({ type: 'context', text: t });
export const code = (t: string, lang?: string): Block => (lang ? { type: 'code', text: t, lang } : { type: 'code', text: t });
export const fields = (f: Field[]): Block => ({ type: 'fields', fields: f });
export const table = (columns: (string | TableColumn)[], rows: string[][]): Block => ({
  type: 'table',
  columns: columns.map((c) => (typeof c === 'string' ? { header: c } : c)),
  rows,
});
