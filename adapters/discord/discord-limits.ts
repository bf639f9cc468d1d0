/** Discord's documented limits, in one place. */
export const LIMITS = {
  commandName: 32,
  description: 100,
  /** Options per level: subcommand groups, subcommands, or a subcommand's options. */
  optionsPerLevel: 25,
  choices: 25,
  choiceName: 100,
  choiceValue: 100,
  /** Names, descriptions and choice values of a command and everything under it. */
  commandChars: 8000,
  content: 2000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  embedTotal: 6000,
  actionRows: 5,
  buttonsPerRow: 5,
  buttonLabel: 80,
  customId: 100,
  autocompleteChoices: 25,
} as const;

export const NAME_PATTERN = /^[-_\p{L}\p{N}]{1,32}$/u;

/** The JSON of a chat-input option as Discord takes it (the subset this bot uses). */
export interface OptionJSON {
  type: number;
  name: string;
  description: string;
  required?: boolean;
  choices?: { name: string; value: string | number }[];
  autocomplete?: boolean;
  min_value?: number;
  max_value?: number;
  min_length?: number;
  max_length?: number;
  options?: OptionJSON[];
}

export interface CommandJSON {
  name: string;
  description: string;
  type: 1;
  options: OptionJSON[];
  contexts?: number[];
  integration_types?: number[];
}

const chars = (s: string): number => Array.from(s).length;

function optionChars(o: OptionJSON): number {
  let n = chars(o.name) + chars(o.description);
  for (const c of o.choices ?? []) n += chars(c.name) + chars(String(c.value));
  for (const sub of o.options ?? []) n += optionChars(sub);
  return n;
}

/** What Discord counts against the 8000-character limit of one command. */
export function commandChars(c: { name: string; description: string; options?: OptionJSON[] }): number {
  return chars(c.name) + chars(c.description) + (c.options ?? []).reduce((n, o) => n + optionChars(o), 0);
}

/** `text` cut to `max` characters, at a word break when one is near, ending in '…' when something was cut. */
export function clip(text: string, max: number): string {
  const a = Array.from(text);
  if (a.length <= max) return text;
  const head = a.slice(0, Math.max(0, max - 1)).join('');
  const space = head.lastIndexOf(' ');
  const cut = space >= max * 0.6 ? head.slice(0, space) : head;
  return `${cut.replace(/[\s,;:.(–-]+$/, '')}…`;
}
