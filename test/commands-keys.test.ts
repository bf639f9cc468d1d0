import { describe, expect, it } from 'vitest';
import { renderText } from '../src/render/text.js';
import { consoleUser, T0, useHarness } from './support/harness.js';

const h = useHarness({ fakeFollowsClock: true });
const surfaces = (o: { reply: unknown }) => `${renderText(o.reply as never)}\n${JSON.stringify(o.reply)}`;
const log = () => h.logs.join('\n');

describe('keys get', () => {
  it('shows scope and quotas with the secret masked', async () => {
    const secret = h.state().keys['support-bot']!.secret;
    const o = await h.run('keys get support-bot');
    expect(h.text(o)).toMatch(/Allowed models:\s+fast, cheap/);
    expect(h.text(o)).toMatch(new RegExp(`Secret:\\s+••••${secret.slice(-4)}`));
    for (const line of ['keys get support-bot', 'keys get support-bot --json']) expect(surfaces(await h.run(line))).not.toContain(secret);
  });
});

describe('keys set', () => {
  const SECRET = 'sk-acme-0f9e8d7c6b5a493827160000';

  it('creates a key with the given secret, privately, never sending quota: null', async () => {
    const o = await h.run(
      `keys set partner-acme secret=${SECRET} comment="ACME integration" allowedModels=fast,cheap ` +
        '{"quota":null,"allowRawPassthrough":false}',
    );
    expect(o.status).toBe('ok');
    expect(o.reply.private).toBe(true);
    expect(h.text(o)).toContain('Key partner-acme created');
    expect(h.text(o)).toMatch(/Secret:\s+••••0000/);
    const put = h.writes()[0]!;
    expect(put.method).toBe('PUT');
    expect(JSON.parse(put.body)).toEqual({
      secret: SECRET,
      comment: 'ACME integration',
      allowedModels: ['fast', 'cheap'],
      allowRawPassthrough: false,
    });
    expect(h.state().keys['partner-acme']).toMatchObject({ secret: SECRET, allowedModels: ['fast', 'cheap'] });
    expect(surfaces(o)).not.toContain(SECRET);
    expect(log()).not.toContain(SECRET);
  });

  it('replacing a key says which fields it cleared, and warns about a short secret', async () => {
    expect(h.text(await h.run(`keys set partner-acme secret=${SECRET} comment="ACME integration"`))).toContain('Key partner-acme created');
    const o = await h.run('keys set partner-acme secret=short-secret-1');
    expect(h.text(o)).toContain('Key partner-acme replaced');
    expect(h.text(o)).toContain('comment: ACME integration → (unset)');
    expect(h.text(o)).toContain('This secret has only 14 characters');
    expect(o.reply.private).toBe(true);
  });

  it('an invalid field is the server’s 400 with the field path', async () => {
    const o = await h.run(`keys set partner-acme secret=${SECRET} allowedIps=10.0.0.0/99`);
    expect(o.status).toBe('error');
    expect(h.text(o)).toContain('Validation failed');
    expect(h.text(o)).toContain('• allowedIps[0]: Invalid IP rule.');
    expect(o.reply.private).toBe(true);
  });

  it('refuses a missing secret or a bad option before any request', async () => {
    const missing = await h.run('keys set partner-acme comment=x');
    expect(h.text(missing)).toContain('`keys set`: missing secret=.');
    expect(missing.reply.private).toBe(true);
    expect(h.text(await h.run(`keys set partner-acme secret=${SECRET} allowRawPassthrough=maybe`))).toContain(
      'allowRawPassthrough: expected true or false',
    );
    expect(h.text(await h.run(`keys set partner-acme secret=${SECRET} expiresInMinutes=0`))).toContain(
      'expiresInMinutes: must be at least 1',
    );
    expect(h.calls()).toHaveLength(0);
  });
});

describe('keys patch', () => {
  it('changes fields with before → after and leaves the secret alone', async () => {
    const secret = h.state().keys['ci-pipeline']!.secret;
    const o = await h.run('keys patch ci-pipeline quotas=requests-daily,monthly-cost comment="GitHub Actions (evals)"');
    expect(o.status).toBe('ok');
    expect(h.text(o)).toContain('comment: GitHub Actions eval runs → GitHub Actions (evals)');
    expect(h.text(o)).toContain('quotas: requests-daily → requests-daily, monthly-cost');
    expect(h.text(o)).not.toContain('secret');
    expect(h.writes().map((r) => [r.method, r.path, JSON.parse(r.body)])).toEqual([
      ['PATCH', '/v0/management/keys/ci-pipeline', { quotas: ['requests-daily', 'monthly-cost'], comment: 'GitHub Actions (evals)' }],
    ]);
    expect(h.state().keys['ci-pipeline']).toMatchObject({ secret, quotas: ['requests-daily', 'monthly-cost'] });
  });

  it('shows the server’s refusal of a managed field', async () => {
    const o = await h.run('keys patch ci-pipeline {"expiresAt":1}');
    expect(h.text(o)).toContain('Expiry timestamps are managed by Plexus');
  });

  it('refuses a secret on the line (it would be shown) and unknown fields, before any request', async () => {
    const o = await h.run('keys patch ci-pipeline secret=sk-typed-in-the-channel');
    expect(h.text(o)).toContain('`keys patch` does not change secrets');
    expect(h.text(o)).toContain('`keys rotate ci-pipeline`');
    expect(h.text(await h.run('keys patch ci-pipeline quota=requests-daily'))).toContain('unknown field quota=');
    expect(h.text(await h.run('keys patch ci-pipeline'))).toContain('nothing to change');
    expect(h.calls()).toHaveLength(0);
  });
});

describe('keys rotate', () => {
  it('confirms first, then shows the new secret once, privately; the old one is gone', async () => {
    const old = h.state().keys['analytics-batch']!.secret;
    const asked = await h.run('keys rotate analytics-batch');
    expect(asked.status).toBe('pending');
    expect(h.text(asked)).toContain(
      `The secret of key \`analytics-batch\` ("Nightly analytics batch jobs") (••••${old.slice(-4)}) stops working at once`,
    );
    expect(h.writes()).toHaveLength(0);
    const done = await h.app.pipeline.confirm(asked.confirmationId!, consoleUser);
    expect(done.reply.private).toBe(true);
    const fresh = h.state().keys['analytics-batch']!.secret;
    expect(fresh).not.toBe(old);
    expect(h.text(done)).toContain(`New secret (shown once): ${fresh}`);
    expect(h.writes().map((r) => `${r.method} ${r.path}?${r.query}`)).toEqual(['POST /v0/management/self/rotate?keyName=analytics-batch']);
    expect(log()).not.toContain(fresh);
  });

  it('an unknown key is refused at the prompt with the server’s message', async () => {
    const o = await h.run('keys rotate nope');
    expect(h.text(o)).toContain("API key 'nope' not found");
    expect(h.writes()).toHaveLength(0);
  });
});

describe('keys disable', () => {
  it('disables a time-bound key: Plexus refuses it from then on', async () => {
    await h.run('keys set contractor secret=sk-contractor-0123456789abcdef expiresInMinutes=120');
    h.fake.reset();
    const o = await h.run('keys disable contractor');
    expect(o.status).toBe('ok');
    expect(h.text(o)).toContain('Key contractor disabled');
    expect(h.text(o)).toContain('it would have expired in 2 h');
    expect(h.writes().map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v0/management/keys/contractor/disable']);
    expect(h.state().keys.contractor!.disabledAt).toBe(T0);
    expect(h.text(await h.run('keys get contractor'))).toContain('Key contractor (disabled)');
  });

  it('a key without expiry: the server’s 400 message reaches the user, and the key is untouched', async () => {
    const o = await h.run('keys disable web-app');
    expect(o.status).toBe('error');
    expect(h.text(o)).toContain('Plexus refused: Only time-bound keys can be disabled');
    expect(h.text(o)).toContain('Nothing was changed');
    expect(h.text(o)).toContain('`keys delete web-app`');
    expect(h.state().keys['web-app']!.disabledAt).toBeUndefined();
  });

  it('an unknown key is an error with the server’s message', async () => {
    const o = await h.run('keys disable nope');
    expect(o.status).toBe('error');
    expect(h.text(o)).toContain("API key 'nope' not found");
  });
});
