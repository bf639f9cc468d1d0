import { describe, expect, it } from 'vitest';
import { useHarness } from './support/harness.js';

const h = useHarness();

const CODING =
  '{"target_groups":[{"name":"default","selector":"in_order","targets":' +
  '[{"provider":"anthropic","model":"claude-sonnet-4-5"},{"provider":"openai","model":"gpt-4o"}]}]}';

describe('aliases list and get', () => {
  it('list: one row per alias with groups and selectors, targets, flags', async () => {
    const text = h.text(await h.run('aliases list limit=200'));
    expect(text).toMatch(/smart\s+primary \(in_order\)\s+anthropic\/claude-sonnet-4-5\s+sticky\n\s+openai\/gpt-4o\n/);
    expect(text).toMatch(
      /eu-gpt4o\s+eu \(in_order\)\s+azure-eu\/gpt-4o\s+sticky, enforce limits\n\s+fallback \(in_order\)\s+openai\/gpt-4o/,
    );
    expect(text).toContain('Showing 1–4 of 4.');
    const paged = h.text(await h.run('aliases list limit=1 offset=1'));
    expect(paged).toMatch(/^fast\s/m);
    expect(paged).not.toMatch(/^smart\s/m);
  });

  it('get: settings and the targets of each group in order', async () => {
    const text = h.text(await h.run('aliases get eu-gpt4o'));
    expect(text).toMatch(/Enforce limits:\s+yes/);
    expect(text).toMatch(/eu\s+in_order\s+azure-eu\/gpt-4o\s+yes\nfallback\s+in_order\s+openai\/gpt-4o\s+yes/);
  });
});

describe('aliases set and patch', () => {
  it('set creates an alias that Plexus then has', async () => {
    const o = await h.run(`aliases set coding ${CODING}`);
    expect(o.status).toBe('ok');
    expect(h.text(o)).toContain('Alias coding created');
    expect(h.text(o)).toContain('default: in_order: anthropic/claude-sonnet-4-5, openai/gpt-4o');
    expect(h.writes().map((r) => `${r.method} ${r.path}`)).toEqual(['PUT /v0/management/aliases/coding']);
    expect(h.state().aliases.coding!.target_groups[0]!.targets.map((t) => t.provider)).toEqual(['anthropic', 'openai']);
  });

  it('a cycle is the server’s 500, shown with what it most likely means; nothing is saved', async () => {
    const before = structuredClone(h.state().aliases.smart);
    const o = await h.run('aliases set smart {"target_groups":[{"name":"loop","selector":"random","targets":[{"alias":"smart"}]}]}');
    expect(o.status).toBe('error');
    expect(h.text(o)).toContain('Plexus refused the request');
    expect(h.text(o)).toContain('Internal server error (HTTP 500)');
    expect(h.text(o)).toContain('an `alias` target leads back to this alias (a cycle)');
    expect(h.state().aliases.smart).toEqual(before);
  });

  it('an invalid body is the server’s 400 with the field path', async () => {
    const o = await h.run('aliases set broken {"target_groups":[{"name":"g","selector":"fastest","targets":[]}]}');
    expect(h.text(o)).toContain('Validation failed');
    expect(h.text(o)).toContain('• target_groups[0].selector: Invalid option');
    expect(h.state().aliases.broken).toBeUndefined();
  });

  it('patch answers before → after and warns about targets that cannot serve', async () => {
    const o = await h.run(
      'aliases patch fast sticky_session=true {"target_groups":[{"name":"default","selector":"latency","targets":[' +
        '{"provider":"groq","model":"llama-3.1-8b-instant"},{"provider":"azure-eu","model":"gpt-4o"},' +
        '{"provider":"mistral","model":"small"}]}]}',
    );
    const text = h.text(o);
    expect(text).toContain('sticky_session: false → true');
    expect(text).toContain(
      'group default: latency: groq/llama-3.3-70b-versatile, openai/gpt-4o-mini, anthropic/claude-haiku-4-5 → ' +
        'latency: groq/llama-3.1-8b-instant, azure-eu/gpt-4o, mistral/small',
    );
    expect(text).toContain('azure-eu/gpt-4o: provider `azure-eu` is disabled');
    expect(text).toContain('mistral/small: no provider `mistral` is configured');
    expect(JSON.parse(h.writes()[0]!.body)).toMatchObject({ sticky_session: true });
    expect(h.state().aliases.fast!.sticky_session).toBe(true);
  });

  it('refuses bad input before any request', async () => {
    expect(h.text(await h.run('aliases set coding'))).toContain('`aliases set` needs the alias as a JSON body.');
    expect(h.text(await h.run('aliases patch smart sticky_session=sometimes'))).toContain('sticky_session: expected true or false');
    expect(h.text(await h.run('aliases patch smart priority=fastest'))).toContain('priority: expected selector or api_match');
    expect(h.text(await h.run('aliases patch smart selector=cost'))).toContain('unknown field selector=');
    expect(h.text(await h.run('aliases patch smart'))).toContain('nothing to change');
    expect(h.calls()).toHaveLength(0);
  });
});

describe('aliases delete and delete-all', () => {
  it('delete goes to models/{id} after confirmation, and says what goes', async () => {
    const asked = await h.run('aliases delete cheap');
    expect(h.text(asked)).toContain('Alias `cheap` will be deleted, with 1 group and 3 targets');
    expect(h.writes()).toHaveLength(0);
    expect((await h.confirm(asked.confirmationId!)).status).toBe('ok');
    expect(h.writes().map((r) => `${r.method} ${r.path}`)).toEqual(['DELETE /v0/management/models/cheap']);
    expect(h.state().aliases.cheap).toBeUndefined();
    expect(h.text(await h.run('aliases get cheap'))).toContain("Alias 'cheap' not found");
  });

  it('an unknown alias is refused at the prompt with the server’s message, nothing deleted', async () => {
    const o = await h.run('aliases delete nope');
    expect(o.status).toBe('error');
    expect(h.text(o)).toContain("Alias 'nope' not found");
    expect(h.writes()).toHaveLength(0);
  });

  it('delete-all counts and names the aliases that go; afterwards there are none', async () => {
    const names = Object.keys(h.state().aliases);
    const asked = await h.run('aliases delete-all');
    expect(h.text(asked)).toContain(`All ${names.length} aliases will be deleted: ${names.join(', ')}.`);
    const done = await h.confirm(asked.confirmationId!);
    expect(h.text(done)).toContain(`${names.length} aliases deleted.`);
    expect(h.writes().map((r) => `${r.method} ${r.path}`)).toEqual(['DELETE /v0/management/models']);
    expect(h.state().aliases).toEqual({});
    expect(h.text(await h.run('aliases list'))).toContain('No aliases are defined.');
  });
});
