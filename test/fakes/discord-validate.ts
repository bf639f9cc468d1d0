/**
 * Discord's documented payload rules, checked the way the API checks them:
 * a list of problems (empty when valid). Written from Discord's docs, not
 * from the adapter, so the fake refuses what Discord would refuse.
 */

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const len = (v: unknown): number => Array.from(str(v)).length;

const NAME = /^[-_\p{L}\p{N}]{1,32}$/u;
const SUB = 1;
const GROUP = 2;
const VALUE_TYPES = new Set([3, 4, 5, 6, 7, 8, 9, 10, 11]);

function countChars(o: Json): number {
  let n = len(o.name) + len(o.description);
  for (const c of (o.choices as Json[] | undefined) ?? []) n += len(c.name) + Array.from(String(c.value)).length;
  for (const sub of (o.options as Json[] | undefined) ?? []) n += countChars(sub);
  return n;
}

function checkOptions(options: unknown, at: string, depth: number, problems: string[]): void {
  if (options === undefined) return;
  if (!Array.isArray(options)) {
    problems.push(`${at}.options: must be an array`);
    return;
  }
  if (options.length > 25) problems.push(`${at}.options: ${options.length} > 25`);
  const names = new Set<string>();
  let sawOptional = false;
  const kinds = new Set<string>();
  options.forEach((o: unknown, i) => {
    const p = `${at}.options[${i}]`;
    if (!isObj(o)) {
      problems.push(`${p}: not an object`);
      return;
    }
    const name = str(o.name);
    if (!NAME.test(name) || name !== name.toLowerCase())
      problems.push(`${p}.name: ${JSON.stringify(o.name)} is not a valid lowercase name`);
    if (names.has(name)) problems.push(`${p}.name: duplicate ${name}`);
    names.add(name);
    if (len(o.description) < 1 || len(o.description) > 100) problems.push(`${p}.description: length ${len(o.description)} not in 1..100`);
    const type = o.type as number;
    kinds.add(type === SUB || type === GROUP ? 'sub' : 'value');
    if (type === GROUP) {
      if (depth !== 0) problems.push(`${p}: a subcommand group may only be at the top level`);
      for (const [j, s] of ((o.options as unknown[]) ?? []).entries())
        if (!isObj(s) || s.type !== SUB) problems.push(`${p}.options[${j}]: a group holds only subcommands`);
      checkOptions(o.options, p, depth + 1, problems);
    } else if (type === SUB) {
      if (depth > 1) problems.push(`${p}: subcommand nested too deep`);
      for (const [j, s] of ((o.options as unknown[]) ?? []).entries())
        if (isObj(s) && (s.type === SUB || s.type === GROUP)) problems.push(`${p}.options[${j}]: a subcommand holds only values`);
      checkOptions(o.options, p, 2, problems);
    } else if (!VALUE_TYPES.has(type)) {
      problems.push(`${p}.type: ${String(type)} unknown`);
    } else {
      if (o.required === true && sawOptional) problems.push(`${p}: required options must come before optional ones`);
      if (o.required !== true) sawOptional = true;
      const choices = o.choices as Json[] | undefined;
      if (choices !== undefined) {
        if (choices.length > 25) problems.push(`${p}.choices: ${choices.length} > 25`);
        if (o.autocomplete === true) problems.push(`${p}: autocomplete may not be set with choices`);
        choices.forEach((c, j) => {
          if (len(c.name) < 1 || len(c.name) > 100) problems.push(`${p}.choices[${j}].name: length not in 1..100`);
          if (typeof c.value === 'string' && len(c.value) > 100) problems.push(`${p}.choices[${j}].value: longer than 100`);
        });
      }
      if (o.autocomplete === true && ![3, 4, 10].includes(type)) problems.push(`${p}: autocomplete only on string, integer, number`);
    }
  });
  if (kinds.size > 1) problems.push(`${at}.options: subcommands and value options cannot be mixed`);
}

/** Problems of one chat-input command definition. */
export function commandProblems(c: unknown): string[] {
  const problems: string[] = [];
  if (!isObj(c)) return ['command: not an object'];
  const name = str(c.name);
  if (!NAME.test(name) || name !== name.toLowerCase()) problems.push(`name: ${JSON.stringify(c.name)} invalid`);
  if (len(c.description) < 1 || len(c.description) > 100) problems.push(`description: length ${len(c.description)} not in 1..100`);
  checkOptions(c.options, 'command', 0, problems);
  const total = countChars(c);
  if (total > 8000) problems.push(`command: ${total} characters > 8000`);
  return problems;
}

/** Problems of a message body (create or edit). */
export function messageProblems(m: unknown): string[] {
  const problems: string[] = [];
  if (!isObj(m)) return ['message: not an object'];
  if (len(m.content) > 2000) problems.push(`content: ${len(m.content)} > 2000`);
  const embeds = (m.embeds as Json[] | undefined) ?? [];
  if (embeds.length > 10) problems.push(`embeds: ${embeds.length} > 10`);
  let total = 0;
  embeds.forEach((e, i) => {
    const p = `embeds[${i}]`;
    const fields = (e.fields as Json[] | undefined) ?? [];
    const footer = isObj(e.footer) ? str(e.footer.text) : '';
    if (len(e.title) > 256) problems.push(`${p}.title: > 256`);
    if (len(e.description) > 4096) problems.push(`${p}.description: ${len(e.description)} > 4096`);
    if (fields.length > 25) problems.push(`${p}.fields: > 25`);
    if (Array.from(footer).length > 2048) problems.push(`${p}.footer: > 2048`);
    fields.forEach((f, j) => {
      if (len(f.name) < 1 || len(f.name) > 256) problems.push(`${p}.fields[${j}].name: length not in 1..256`);
      if (len(f.value) < 1 || len(f.value) > 1024) problems.push(`${p}.fields[${j}].value: length not in 1..1024`);
      total += len(f.name) + len(f.value);
    });
    total += len(e.title) + len(e.description) + Array.from(footer).length;
  });
  if (total > 6000) problems.push(`embeds: ${total} characters > 6000`);
  const rows = (m.components as Json[] | undefined) ?? [];
  if (rows.length > 5) problems.push(`components: ${rows.length} rows > 5`);
  rows.forEach((r, i) => {
    const buttons = (r.components as Json[] | undefined) ?? [];
    if (r.type !== 1) problems.push(`components[${i}]: not an action row`);
    if (buttons.length < 1 || buttons.length > 5) problems.push(`components[${i}]: ${buttons.length} buttons, not 1..5`);
    buttons.forEach((b, j) => {
      if (b.type === 2 && b.style !== 5 && (len(b.custom_id) < 1 || len(b.custom_id) > 100))
        problems.push(`components[${i}][${j}].custom_id: length not in 1..100`);
      if (len(b.label) > 80) problems.push(`components[${i}][${j}].label: > 80`);
    });
  });
  return problems;
}

/** Problems of an autocomplete answer. */
export function choicesProblems(data: unknown): string[] {
  if (!isObj(data) || !Array.isArray(data.choices)) return ['data.choices: missing'];
  const problems: string[] = [];
  if (data.choices.length > 25) problems.push(`choices: ${data.choices.length} > 25`);
  (data.choices as Json[]).forEach((c, i) => {
    if (len(c.name) < 1 || len(c.name) > 100) problems.push(`choices[${i}].name: length not in 1..100`);
    if (typeof c.value === 'string' && len(c.value) > 100) problems.push(`choices[${i}].value: > 100`);
  });
  return problems;
}
