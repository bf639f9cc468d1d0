import { describe, expect, it } from 'vitest';
import {
  isSecretField,
  KEY_NAME_FIELDS,
  MASK,
  maskCommandLine,
  maskDeep,
  maskKnownSecrets,
  maskSecret,
  maskTokenPatterns,
} from '../src/render/mask.js';

/** No secret (nor any 6-character piece of it) may survive in the text. */
function expectNoLeak(text: string, secrets: string[]): void {
  for (const s of secrets) {
    expect(text).not.toContain(s);
    for (let i = 0; i + 6 <= s.length; i++) expect(text, `piece ${s.slice(i, i + 6)} of ${s}`).not.toContain(s.slice(i, i + 6));
  }
}

describe('maskSecret', () => {
  it('shows at most the last 4 characters', () => {
    expect(maskSecret('sk-proj-abcdefghijklmnopqrstuvwxyz')).toBe('••••wxyz');
    expect(maskSecret('abcd')).toBe(MASK);
    expect(maskSecret('a')).toBe(MASK);
    expect(maskSecret('')).toBe('');
  });

  it('never shows more than a quarter of a short value', () => {
    expect(maskSecret('hunter2')).toBe('••••2');
    expect(maskSecret('12345678')).toBe('••••78');
    for (let n = 1; n <= 40; n++) {
      const masked = maskSecret('x'.repeat(n));
      const shown = Array.from(masked).length - 4;
      expect(shown).toBeLessThanOrEqual(Math.min(4, Math.floor(n / 4)));
    }
  });

  it('does not reveal the length', () => {
    expect(Array.from(maskSecret('x'.repeat(100))).length).toBe(8);
  });

  it('does not split astral characters', () => {
    expect(maskSecret('secret-value-🔑🔑🔑🔑')).toBe('••••🔑🔑🔑🔑');
  });
});

describe('isSecretField', () => {
  it.each([
    'secret',
    'api_key',
    'apiKey',
    'ApiKey',
    'API_KEY',
    'apikey',
    'x-api-key',
    'token',
    'access_token',
    'accessToken',
    'refresh_token',
    'id_token',
    'authorization',
    'Authorization',
    'password',
    'db_password',
    'headers',
    'oauth',
    'OAuth2',
    'x-admin-key',
    'X-Admin-Key',
    'adminKey',
    'client_secret',
    'clientSecret',
    'private_key',
    'credentials',
    'cookie',
    'key',
    'signing_secret',
  ])('%s is secret', (name) => {
    expect(isSecretField(name)).toBe(true);
  });

  it.each([
    'name',
    'tokensInput',
    'tokens_output',
    'max_tokens',
    'token_count',
    'token_type',
    'expires_in',
    'access_token_expires_at',
    'api_key_name',
    'apiKeyName',
    'keyName',
    'keyId',
    'keys',
    'monkey',
    'hotkey',
    'author',
    'api_base_url',
    'tokenizer',
    'oauth_provider',
    'oauthAccount',
    '',
  ])('%s is not secret', (name) => {
    expect(isSecretField(name)).toBe(false);
  });
});

describe('maskDeep', () => {
  const provider = {
    name: 'openai',
    api_base_url: 'https://api.openai.com/v1',
    api_key: 'sk-proj-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA1234',
    enabled: true,
    weight: 3,
    headers: { Authorization: 'Bearer sk-BBBBBBBBBBBBBBBBBBBBBBBB9876', 'X-Custom': 'cv-QZQZQZQZQZQZQZ-CCCC' },
    oauth: {
      access_token: 'ya29.DDDDDDDDDDDDDDDDDDDDDD',
      refresh_token: '1//EEEEEEEEEEEEEEEEEEEEE',
      expires_at: 1700000000000,
      scopes: ['openid-FFFFFFFF'],
    },
    models: [{ id: 'gpt-4o', extra: { client_secret: 'cs-GGGGGGGGGGGGGGGGGG' } }],
  };

  it('masks every secret in a nested provider config', () => {
    const masked = maskDeep(provider);
    const text = JSON.stringify(masked);
    expectNoLeak(text, [
      'AAAAAAAAAAAAAAAA',
      'sk-BBBBBBBBBBBBBBBB',
      'QZQZQZQZQZQZ',
      'DDDDDDDDDDDD',
      'EEEEEEEEEEEE',
      'openid-FFFF',
      'GGGGGGGGGGGG',
    ]);
    expect(masked.api_key).toBe('••••1234');
    expect(masked.headers.Authorization).toBe('••••9876');
    expect(Object.keys(masked.headers)).toEqual(['Authorization', 'X-Custom']);
    expect(masked.oauth.expires_at).toBe(1700000000000);
    expect(masked.name).toBe('openai');
    expect(masked.api_base_url).toBe('https://api.openai.com/v1');
    expect(masked.enabled).toBe(true);
    expect(masked.weight).toBe(3);
    expect(masked.models[0]?.id).toBe('gpt-4o');
  });

  it('returns a copy and leaves the input alone', () => {
    const before = JSON.stringify(provider);
    const masked = maskDeep(provider);
    expect(JSON.stringify(provider)).toBe(before);
    expect(masked).not.toBe(provider);
    expect(masked.models).not.toBe(provider.models);
  });

  it('keeps key names in usage records when asked', () => {
    const usage = [
      {
        requestId: 'r1',
        apiKey: 'team-frontend',
        tokensInput: 1200,
        costTotal: 0.0012,
        headers: { authorization: 'Bearer live-HHHHHHHHHHHH' },
      },
    ];
    const masked = maskDeep(usage, { keepFields: KEY_NAME_FIELDS });
    expect(masked[0]?.apiKey).toBe('team-frontend');
    expect(masked[0]?.tokensInput).toBe(1200);
    expectNoLeak(JSON.stringify(masked), ['HHHHHHHHHHHH']);
    expect(maskDeep(usage)[0]?.apiKey).toBe('••••end');
  });

  it('scrubs known secrets from any string', () => {
    const masked = maskDeep({ message: 'upstream rejected key sk-KKKKKKKKKKKKKKKK0000', n: 1 }, { secrets: ['sk-KKKKKKKKKKKKKKKK0000'] });
    expect(masked.message).toBe('upstream rejected key ••••0000');
  });

  it('handles arrays, null, dates, cycles and primitives', () => {
    expect(maskDeep(null)).toBeNull();
    expect(maskDeep('plain')).toBe('plain');
    expect(maskDeep([{ token: 'abcdefghijklmnop' }, 2])).toEqual([{ token: '••••mnop' }, 2]);
    expect(maskDeep({ password: null, token: 42, secret: false })).toEqual({ password: null, token: 42, secret: false });
    const d = new Date(0);
    expect(maskDeep({ at: d }).at).toEqual(d);
    const loop: Record<string, unknown> = { name: 'a' };
    loop.self = loop;
    expect(maskDeep(loop)).toEqual({ name: 'a', self: '[Circular]' });
    const shared = { secret: 'abcdefghijkl' };
    expect(maskDeep({ a: shared, b: shared })).toEqual({ a: { secret: '••••jkl' }, b: { secret: '••••jkl' } });
  });
});

describe('maskKnownSecrets', () => {
  it('replaces every occurrence, longest first', () => {
    const text = 'key=sk-abcdefghijklmnop again sk-abcdefghijklmnop and sk-abcdefgh';
    const out = maskKnownSecrets(text, ['sk-abcdefgh', 'sk-abcdefghijklmnop', '']);
    expect(out).toBe('key=••••mnop again ••••mnop and ••••gh');
  });

  it('treats secrets literally', () => {
    expect(maskKnownSecrets('a.b*c(d) a-b', ['a.b*c(d)'])).toBe('••••d) a-b');
    expect(maskKnownSecrets('nothing here', [])).toBe('nothing here');
  });
});

describe('maskTokenPatterns', () => {
  it('masks bearer values and key shapes', () => {
    const out = maskTokenPatterns(
      'curl -H "Authorization: Bearer abc.def.ghijklmnop" key sk-ant-api03-ZZZZZZZZZZZZZZZZ xoxb-1234-5678-abcdef',
    );
    expectNoLeak(out, ['abc.def.ghijkl', 'ZZZZZZZZZZZZ', '1234-5678']);
    expect(out).toContain('Bearer ••••');
    expect(maskTokenPatterns('basic stats by token count')).toBe('basic stats by token count');
  });
});

describe('maskCommandLine', () => {
  it('masks secret name=value pairs and flags', () => {
    const line =
      'providers update openai api_key=sk-LLLLLLLLLLLLLLLL1111 weight=3 --token=MMMMMMMMMMMM --password "NNNN NNNN NNNN" name=openai';
    const out = maskCommandLine(line);
    expectNoLeak(out, ['LLLLLLLLLLLL', 'MMMMMMMMMMMM', 'NNNN NNNN']);
    expect(out).toContain('providers update openai api_key=••••');
    expect(out).toContain('weight=3');
    expect(out).toContain('name=openai');
    expect(out).toContain('--password "••••');
  });

  it('masks dotted paths and query strings', () => {
    const out = maskCommandLine(
      'set headers.Authorization=Bearer-OOOOOOOOOOOO oauth.access_token=PPPPPPPPPPPP url=https://h/x?a=1&token=QQQQQQQQQQQQ',
    );
    expectNoLeak(out, ['OOOOOOOOOOOO', 'PPPPPPPPPPPP', 'QQQQQQQQQQQQ']);
    expect(out).toContain('url=https://h/x?a=1&token=••••');
  });

  it('masks secret fields of a trailing JSON body', () => {
    const line =
      'providers create openai {"api_key":"sk-RRRRRRRRRRRRRRRR","headers":{"X-Trace":"SSSSSSSSSSSS"},' +
      '"oauth":{"access_token":"TTTTTTTTTTTT"},"models":["gpt-4o"]}';
    const out = maskCommandLine(line);
    expectNoLeak(out, ['RRRRRRRRRRRR', 'SSSSSSSSSSSS', 'TTTTTTTTTTTT']);
    expect(out.startsWith('providers create openai {')).toBe(true);
    const body = JSON.parse(out.slice(out.indexOf('{'))) as { models: string[]; headers: Record<string, string> };
    expect(body.models).toEqual(['gpt-4o']);
    expect(Object.keys(body.headers)).toEqual(['X-Trace']);
  });

  it('handles a quoted JSON body and a broken one', () => {
    expectNoLeak(maskCommandLine(`keys create --body '{"secret":"UUUUUUUUUUUU"}'`), ['UUUUUUUUUUUU']);
    expectNoLeak(maskCommandLine('keys create {"secret": "VVVVVVVVVVVV", "comment": "x"'), ['VVVVVVVVVVVV']);
    expectNoLeak(maskCommandLine('keys create {"secret": "WWWWWWWWWWWW'), ['WWWWWWWWWWWW']);
  });

  it('leaves harmless lines alone', () => {
    expect(maskCommandLine('usage summary --range 24h')).toBe('usage summary --range 24h');
    expect(maskCommandLine('providers list --json')).toBe('providers list --json');
    expect(maskCommandLine('')).toBe('');
  });
});
