/**
 * Registers `/plexus` in one guild (instant) or globally, and only when the
 * definition differs from what Discord already has.
 */
import { Routes, type REST } from 'discord.js';
import type { CommandJSON, OptionJSON } from './discord-limits.js';

export type SyncResult = 'created' | 'updated' | 'unchanged';

interface CommandShape {
  name: string;
  description?: string;
  type?: number;
  options?: OptionJSON[];
  contexts?: number[] | null;
  integration_types?: number[] | null;
}

type RemoteCommand = CommandShape & Record<string, unknown>;

/** The fields that make a command what it is, with Discord's defaults filled in, for comparison. */
function canonOption(o: OptionJSON): unknown {
  return {
    type: o.type,
    name: o.name,
    description: o.description,
    required: Boolean(o.required),
    autocomplete: Boolean(o.autocomplete),
    choices: (o.choices ?? []).map((c) => [c.name, c.value]),
    min_value: o.min_value ?? null,
    max_value: o.max_value ?? null,
    min_length: o.min_length ?? null,
    max_length: o.max_length ?? null,
    options: (o.options ?? []).map(canonOption),
  };
}

const sorted = (xs: readonly number[] | null | undefined) => (xs ? [...xs].sort((a, b) => a - b) : null);

export function canonCommand(c: CommandShape): string {
  return JSON.stringify({
    name: c.name,
    description: c.description ?? '',
    type: c.type ?? 1,
    options: (c.options ?? []).map(canonOption),
    contexts: sorted(c.contexts),
    integration_types: sorted(c.integration_types),
  });
}

/** Other commands of the application, as a bulk overwrite takes them, so registering ours keeps them. */
const KEEP = [
  'name',
  'type',
  'description',
  'options',
  'default_member_permissions',
  'nsfw',
  'contexts',
  'integration_types',
  'name_localizations',
  'description_localizations',
];
const keepAsIs = (c: RemoteCommand) => Object.fromEntries(KEEP.filter((k) => c[k] !== undefined && c[k] !== null).map((k) => [k, c[k]]));

export async function syncCommands(
  rest: REST,
  opts: { applicationId: string; guildId?: string; command: CommandJSON; force?: boolean },
): Promise<SyncResult> {
  const route = opts.guildId
    ? Routes.applicationGuildCommands(opts.applicationId, opts.guildId)
    : Routes.applicationCommands(opts.applicationId);
  const current = (await rest.get(route)) as RemoteCommand[];
  const mine = current.find((c) => c.name === opts.command.name && (c.type ?? 1) === 1);
  if (mine && !opts.force && canonCommand(mine) === canonCommand(opts.command)) return 'unchanged';
  const others = current.filter((c) => c !== mine).map(keepAsIs);
  await rest.put(route, { body: [...others, opts.command] });
  return mine ? 'updated' : 'created';
}
