/** Autocomplete: live names from Plexus for name-like options, command lines for `run`. */
import type { AutocompleteInteraction } from 'discord.js';
import type { Logger } from 'pino';
import type { Actor } from '../../src/core/actor.js';
import { usageLine } from '../../src/core/command.js';
import { authorize, type AccessPolicy } from '../../src/core/policy.js';
import type { Registry } from '../../src/core/registry.js';
import { argSpecs } from './arg-specs.js';
import { routeKey, type CommandDefinition, type SubRoute } from './command-definition.js';
import { firstSentence, lookupFor } from './command-options.js';
import { clip, LIMITS } from './discord-limits.js';
import { actorFrom } from './identity.js';
import { matching, type LiveNames } from './live-names.js';
import { safeError } from './safe-error.js';

export interface Choice {
  name: string;
  value: string;
}

export interface AutocompleteDeps {
  definition: CommandDefinition;
  names: LiveNames;
  registry: Registry;
  policy: AccessPolicy;
  logger: Logger;
  /** How long to wait for Plexus before answering with what is cached (Discord allows 3 s in all). */
  waitMs: number;
}

const MAX = LIMITS.autocompleteChoices;
const asChoices = (values: string[]): Choice[] =>
  values.filter((v) => v.length >= 1 && v.length <= LIMITS.choiceValue).map((v) => ({ name: v, value: v }));

/** `run`: command names the caller may run, or names for the positional argument being typed. */
async function lineChoices(typed: string, actor: Actor, deps: AutocompleteDeps): Promise<Choice[]> {
  const allowed = deps.registry.all().filter((c) => authorize(deps.policy, actor, c).allowed);
  const line = typed.trimStart();
  const words = line.split(/\s+/).filter(Boolean);
  const resolved = words.length > 0 ? deps.registry.resolve(words) : undefined;
  const typingArgs = resolved && (resolved.rest.length > 0 || /\s$/.test(line));
  if (resolved && typingArgs) {
    if (!allowed.includes(resolved.command)) return [];
    const partial = /\s$/.test(line) ? '' : (words[words.length - 1] ?? '');
    const positional = resolved.rest.filter((w) => !w.includes('=') && !w.startsWith('--'));
    const index = partial ? positional.length - 1 : positional.length;
    const spec = argSpecs(resolved.command)?.find((s) => s.position === index);
    const kind = spec && lookupFor(resolved.command, spec);
    if (!kind || kind === 'commands' || partial.includes('=')) return [];
    const head = line.slice(0, line.length - partial.length);
    return asChoices(matching(await deps.names.names(kind, deps.waitMs), partial, MAX).map((n) => `${head}${n}`));
  }
  const t = line.toLowerCase();
  const starts = allowed.filter((c) => c.name.startsWith(t));
  const inside = allowed.filter((c) => !c.name.startsWith(t) && c.name.includes(t));
  return [...starts, ...inside]
    .slice(0, MAX)
    .map((c) => ({ name: clip(`${usageLine(c)} — ${firstSentence(c.summary)}`, LIMITS.choiceName), value: c.name }));
}

/** Choices for the focused option of a subcommand; none when the caller may not run it. */
export async function choicesFor(
  route: SubRoute | undefined,
  option: string,
  typed: string,
  actor: Actor,
  deps: AutocompleteDeps,
): Promise<Choice[]> {
  const o = route?.options.find((x) => x.name === option);
  if (!route || !o?.lookup) return [];
  if (o.lookup === 'commands') return lineChoices(typed, actor, deps);
  if (route.command && !authorize(deps.policy, actor, route.command).allowed) return [];
  return asChoices(matching(await deps.names.names(o.lookup, deps.waitMs), typed, MAX));
}

export async function handleAutocomplete(i: AutocompleteInteraction, deps: AutocompleteDeps): Promise<void> {
  const focused = i.options.getFocused(true);
  const route = deps.definition.routes.get(routeKey(i.options.getSubcommandGroup(false), i.options.getSubcommand(false) ?? ''));
  let choices: Choice[] = [];
  try {
    choices = await choicesFor(route, focused.name, String(focused.value ?? ''), actorFrom(i), deps);
  } catch (e) {
    deps.logger.warn({ err: safeError(e) }, 'discord autocomplete failed; answering with no choices');
  }
  await i.respond(choices.slice(0, MAX));
}
