import pino, { type DestinationStream, type Logger } from 'pino';
import { maskKnownSecrets } from './render/mask.js';
import { defaultReplicaId } from './replica.js';

const SECRET_FIELDS = [
  'secret',
  'api_key',
  'apiKeySecret',
  'adminKey',
  'token',
  'botToken',
  'appToken',
  'signingSecret',
  'password',
  'authorization',
  'access_token',
  'refresh_token',
];

const redactPaths = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
  ...SECRET_FIELDS.map((f) => `*.*.${f}`),
  'headers',
  '*.headers',
  'req.headers',
  'body',
  '*.body',
];

export interface LoggerOptions {
  level: string;
  /** Known secret values (admin key, tokens); any that slips into a line is masked there. */
  secrets: () => Iterable<string>;
  destination?: DestinationStream;
  /** This replica's name, on every line as `replica` (default hostname:pid). */
  replica?: string;
}

/**
 * pino with two nets: field-name redaction for structured data, and a last
 * pass over every serialized line for the known secret values themselves.
 */
export function createLogger(opts: LoggerOptions): Logger {
  const target = opts.destination ?? pino.destination({ dest: 2, sync: false });
  const masking: DestinationStream = {
    write(line: string) {
      target.write(maskKnownSecrets(line, opts.secrets()));
    },
  };
  return pino(
    {
      level: opts.level,
      base: { name: 'plexus-chatops', replica: opts.replica ?? defaultReplicaId() },
      redact: { paths: redactPaths, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    masking,
  );
}
