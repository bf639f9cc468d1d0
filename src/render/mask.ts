/**
 * Secret masking for anything shown in chat or written to the audit log.
 * The rule of thumb: when unsure whether a field holds a secret, mask it.
 */

export const MASK = '••••';

/**
 * "••••" followed by at most the last 4 characters. Never more than a quarter
 * of the value is shown, so short values are fully masked ("••••"), and the
 * prefix has a fixed length so the secret's length is not revealed. An empty
 * string stays empty (it shows that nothing is set, not what is set).
 */
export function maskSecret(value: string): string {
  if (value === '') return '';
  const chars = Array.from(value);
  if (chars.length <= 4) return MASK;
  const shown = Math.min(4, Math.floor(chars.length / 4));
  return MASK + chars.slice(chars.length - shown).join('');
}

/** Words that make a field secret on their own (after splitting camel/snake/kebab case). */
const SECRET_WORDS = new Set([
  'secret',
  'secrets',
  'password',
  'passwords',
  'passwd',
  'passphrase',
  'pwd',
  'token',
  'authorization',
  'auth',
  'oauth',
  'oauth2',
  'credential',
  'credentials',
  'cookie',
  'cookies',
  'headers',
  'bearer',
  'apikey',
  'privatekey',
]);

/** Single words ending like this are secret too: "clientsecret", "accesstoken", "dbpassword". */
const SECRET_SUFFIXES = ['secret', 'password', 'passwd', 'token'];

/** "key" is a secret only with one of these before it (or alone): api key, admin key, private key... */
const KEY_QUALIFIERS = ['api', 'access', 'admin', 'private', 'secret', 'client', 'master', 'signing', 'encryption', 'auth', 'management'];
const KEY_COMPOUND = new RegExp(`^x?(${KEY_QUALIFIERS.join('|')})key$`);

/**
 * A name ending in one of these describes a secret without holding it:
 * api_key_name, token_type, access_token_expires_at, key_id, password_set.
 */
const METADATA_TAIL = new Set([
  'name',
  'names',
  'id',
  'ids',
  'type',
  'types',
  'kind',
  'count',
  'counts',
  'length',
  'len',
  'url',
  'uri',
  'urls',
  'endpoint',
  'expires',
  'expiry',
  'expiration',
  'at',
  'in',
  'hint',
  'ttl',
  'limit',
  'limits',
  'usage',
  'env',
  'file',
  'path',
  'set',
  'present',
  'configured',
  'enabled',
  'required',
  'label',
  'status',
  'mode',
  'method',
  'format',
  'version',
  'provider',
  'providers',
  'account',
  'accounts',
]);

/** "X-Admin-Key" → ['x','admin','key'], "apiKeyName" → ['api','key','name'], "OAuth2Token" → ['o','auth2','token']. */
export function splitFieldName(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

/**
 * True for names that hold a secret: secret, api_key, apiKey, token,
 * access_token, refresh_token, authorization, password, headers, oauth,
 * x-admin-key, client_secret, … Case-insensitive across snake/camel/kebab
 * case. False for counters and descriptors such as tokensInput, max_tokens,
 * token_type or api_key_name.
 *
 * Note that Plexus usage and error records use `apiKey` for the key's *name*;
 * pass KEY_NAME_FIELDS as `keepFields` to maskDeep for those.
 */
export function isSecretField(name: string): boolean {
  const raw = splitFieldName(name);
  if (raw.length === 0) return false;
  // "OAuth" splits into "o" + "auth"; glue it back so it reads as one word.
  const words: string[] = [];
  for (const w of raw) {
    const prev = words[words.length - 1];
    if (prev === 'o' && w.startsWith('auth')) words[words.length - 1] = `o${w}`;
    else words.push(w);
  }
  const last = words[words.length - 1] ?? '';
  if (words.length > 1 && METADATA_TAIL.has(last)) return false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i] ?? '';
    if (SECRET_WORDS.has(w)) return true;
    if (SECRET_SUFFIXES.some((s) => w.endsWith(s))) return true;
    if (KEY_COMPOUND.test(w)) return true;
    if (w === 'key') {
      const prev = words[i - 1];
      if (words.length === 1 || (prev !== undefined && KEY_QUALIFIERS.includes(prev))) return true;
    }
  }
  return false;
}

/** Fields that hold a key's name, not its secret, in Plexus usage and error records. */
export const KEY_NAME_FIELDS: readonly string[] = ['apiKey'];

export interface MaskOptions {
  /** Exact field names never treated as secret (e.g. KEY_NAME_FIELDS for usage records). */
  keepFields?: Iterable<string>;
  /** Known secret strings: masked wherever they appear in any string, under any field. */
  secrets?: Iterable<string>;
  /** Override the field-name test. */
  isSecret?: (name: string) => boolean;
}

const isPlainObject = (v: object): boolean => {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};

/**
 * A deep copy of `value` where everything under a secret-named field is
 * masked: strings via maskSecret, and for objects and arrays under such a
 * field (headers, oauth, credentials…) every string leaf. Numbers, booleans
 * and null are kept. Cycles become "[Circular]".
 */
export function maskDeep<T>(value: T, opts: MaskOptions = {}): T {
  const keep = new Set(opts.keepFields ?? []);
  const isSecret = opts.isSecret ?? isSecretField;
  const secrets = opts.secrets ? [...opts.secrets] : [];
  const scrub = secrets.length > 0 ? knownSecretsMasker(secrets) : (s: string) => s;
  const stack = new Set<object>();
  const fieldIsSecret = (name: string): boolean => !keep.has(name) && isSecret(name);

  const walk = (v: unknown, masked: boolean): unknown => {
    if (typeof v === 'string') return masked ? maskSecret(v) : scrub(v);
    if (v === null || typeof v !== 'object') return v;
    if (stack.has(v)) return '[Circular]';
    if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return masked ? MASK : v;
    if (v instanceof Date) return new Date(v.getTime());
    stack.add(v);
    try {
      if (Array.isArray(v)) return v.map((x) => walk(x, masked));
      if (v instanceof Map) {
        const out = new Map<unknown, unknown>();
        for (const [k, x] of v) out.set(k, walk(x, masked || (typeof k === 'string' && fieldIsSecret(k))));
        return out;
      }
      if (v instanceof Set) return new Set([...v].map((x) => walk(x, masked)));
      if (!isPlainObject(v) && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
        return walk((v as { toJSON: () => unknown }).toJSON(), masked);
      }
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x, masked || fieldIsSecret(k));
      return out;
    } finally {
      stack.delete(v);
    }
  };
  return walk(value, false) as T;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function knownSecretsMasker(secrets: Iterable<string>): (text: string) => string {
  const list = [...new Set([...secrets].filter((s) => typeof s === 'string' && s !== ''))];
  if (list.length === 0) return (t) => t;
  // Longest first, so a secret that contains another is replaced whole.
  list.sort((a, b) => b.length - a.length);
  const re = new RegExp(list.map(escapeRegExp).join('|'), 'g');
  return (text) => text.replace(re, (m) => maskSecret(m));
}

/** Replaces every occurrence of any of `secrets` in free text by its masked form. */
export function maskKnownSecrets(text: string, secrets: Iterable<string>): string {
  return knownSecretsMasker(secrets)(text);
}

/**
 * Masks credentials recognisable by their shape: "Bearer …"/"Basic …"
 * authorization values and common provider key formats (sk-…, xox?-…, ghp_…).
 */
export function maskTokenPatterns(text: string): string {
  return text
    .replace(
      /\b([Bb]earer|Basic)(\s+)([A-Za-z0-9._~+/=-]{8,})/g,
      (_m, scheme: string, sp: string, tok: string) => `${scheme}${sp}${maskSecret(tok)}`,
    )
    .replace(/\b(?:sk-[A-Za-z0-9_-]{12,}|xox[a-z]-[A-Za-z0-9-]{8,}|gh[pousr]_[A-Za-z0-9]{16,}|AIza[A-Za-z0-9_-]{20,})/g, (m) =>
      maskSecret(m),
    );
}

const maskQuoted = (v: string): string => {
  const q = v[0];
  if ((q === '"' || q === "'") && v.length >= 2 && v.endsWith(q)) return `${q}${maskSecret(v.slice(1, -1))}${q}`;
  return maskSecret(v);
};

const alreadyMasked = (v: string): boolean => v.replace(/^["']/, '').startsWith(MASK);

/** `headers.Authorization`, `--api-key`, `oauth.access_token`: secret when any dotted segment is. */
const isSecretPath = (name: string): boolean => name.split('.').some((seg) => seg !== '' && isSecretField(seg));

const VALUE = String.raw`("(?:[^"\\]|\\.)*"|'[^']*'|[^\s]+)`;
const PAIR_RE = new RegExp(String.raw`(^|[\s,;&?])(-{0,2})([A-Za-z_][\w.-]*)(=)` + VALUE, 'g');
const FLAG_RE = new RegExp(String.raw`(^|\s)(--?)([A-Za-z][\w.-]*)(\s+)(?!-)` + VALUE, 'g');
/** A `"name": "value"` pair; the value may be cut off by the end of the line. */
const JSON_FIELD_RE = /"((?:[^"\\]|\\.)*)"(\s*:\s*)"((?:[^"\\]|\\.)*)("|\\?$)/g;

function findJsonBody(line: string): { start: number; end: number; value: unknown } | undefined {
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c !== '{' && c !== '[') continue;
    const before = i === 0 ? ' ' : (line[i - 1] ?? ' ');
    if (!/[\s='"]/.test(before)) continue;
    const rest = line.slice(i);
    const tries: string[] = [rest.trimEnd()];
    if ((before === "'" || before === '"') && rest.trimEnd().endsWith(before)) tries.push(rest.trimEnd().slice(0, -1));
    for (const t of tries) {
      try {
        return { start: i, end: i + t.length, value: JSON.parse(t) as unknown };
      } catch {
        // not JSON from here; try the next candidate
      }
    }
  }
  return undefined;
}

/** In the command language `key=` names an inference key (usage list key=web-app); it never holds a secret. */
const NAME_ARGS = new Set(['key']);
const isSecretArg = (name: string): boolean => !NAME_ARGS.has(name) && isSecretPath(name);

function maskPairValues(text: string): string {
  return text.replace(
    PAIR_RE,
    (_m, pre: string, dashes: string, name: string, eq: string, value: string) =>
      // A non-secret value may still hold pairs of its own (a URL's query string).
      `${pre}${dashes}${name}${eq}${isSecretArg(name) ? (alreadyMasked(value) ? value : maskQuoted(value)) : maskPairValues(value)}`,
  );
}

function maskPairs(text: string): string {
  return maskPairValues(maskTokenPatterns(text)).replace(
    FLAG_RE,
    (m, pre: string, dashes: string, name: string, sp: string, value: string) =>
      isSecretArg(name) && !alreadyMasked(value) ? `${pre}${dashes}${name}${sp}${maskQuoted(value)}` : m,
  );
}

/**
 * Masks a command line for the audit log: values of `name=value` pairs and
 * `--name value` options whose name is secret-like, Bearer/Basic credentials
 * and known key shapes, and secret fields of a trailing JSON body (parsed and
 * re-serialised compactly; when it does not parse, `"secret": "…"` string
 * pairs are masked in place).
 */
export function maskCommandLine(line: string): string {
  const body = findJsonBody(line);
  if (body) {
    const head = maskPairs(line.slice(0, body.start));
    const json = maskTokenPatterns(JSON.stringify(maskDeep(body.value)));
    return head + json + maskPairs(line.slice(body.end));
  }
  return maskPairs(line).replace(JSON_FIELD_RE, (m, name: string, colon: string, value: string, end: string) =>
    isSecretField(name) && !value.startsWith(MASK) ? `"${name}"${colon}"${maskSecret(value)}${end === '"' ? '"' : ''}` : m,
  );
}

/** True when a command line holds a secret value (a secret-named pair or body field, or a credential shape). */
export function lineCarriesSecret(line: string): boolean {
  const body = findJsonBody(line);
  const rest = body ? line.slice(0, body.start) + line.slice(body.end) : line;
  if (maskPairs(rest) !== rest) return true;
  return body !== undefined && JSON.stringify(maskDeep(body.value)) !== JSON.stringify(body.value);
}
