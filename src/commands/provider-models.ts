import { z } from 'zod';
import { args } from '../core/args.js';
import { defineCommand } from '../core/command.js';
import { isPlexusHttpError, PlexusHttpError } from '../plexus/errors.js';
import { mgmtPath } from '../plexus/path.js';
import * as S from '../plexus/schemas.js';
import { DASH } from '../render/format.js';
import { maskKnownSecrets } from '../render/mask.js';
import { context, reply, table, text } from '../render/reply.js';
import { jsonReply } from './json-reply.js';

const MAX_MODELS = 100;

export const providersFetchModels = defineCommand({
  words: ['providers', 'fetch-models'],
  summary: 'List the models an OpenAI-style endpoint offers (through Plexus), e.g. before adding a provider.',
  usage: 'url=<models URL> [apiKey=] | {json}',
  example: 'providers fetch-models {"url":"https://api.openai.com/v1/models"}',
  tier: 'write',
  args: args({
    url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as https://api.openai.com/v1/models' }),
    apiKey: z.string().min(1).optional(),
  }),
  calls: [{ method: 'POST', path: mgmtPath('providers', 'fetch-models') }],
  run: async (ctx) => {
    const { url, apiKey } = ctx.args;
    let res: z.output<typeof S.fetchModelsResultSchema>;
    try {
      res = await ctx.deps.plexus.request('POST', mgmtPath('providers', 'fetch-models'), {
        body: apiKey ? { url, apiKey } : { url },
        schema: S.fetchModelsResultSchema,
      });
    } catch (e) {
      throw apiKey && isPlexusHttpError(e) ? withoutSecret(e, apiKey) : e;
    }
    const out = ctx.json
      ? jsonReply(`Models at ${url}`, res.data)
      : reply({
          title: `Models at ${url} (${res.data.length})`,
          blocks: res.data.length
            ? [
                table(
                  ['model', 'owned by'],
                  res.data.slice(0, MAX_MODELS).map((m) => [m.id, m.owned_by ?? DASH]),
                ),
                ...(res.data.length > MAX_MODELS ? [context(`… and ${res.data.length - MAX_MODELS} more (\`--json\` lists all).`)] : []),
              ]
            : [text('The endpoint lists no models.')],
        });
    // An API key on the line stays with the requester (Discord shows a public answer's invocation).
    if (apiKey) out.private = true;
    return out;
  },
});

/** The same error with an API key the user sent masked wherever the upstream echoed it. */
function withoutSecret(e: PlexusHttpError, secret: string): PlexusHttpError {
  const scrub = (t: string) => maskKnownSecrets(t, [secret]);
  return new PlexusHttpError({
    status: e.status,
    method: e.method,
    path: e.path,
    message: scrub(e.message),
    details: e.details.map((d) => ({ path: d.path, message: scrub(d.message) })),
    hints: e.hints.map(scrub),
    ...(e.type === undefined ? {} : { type: e.type }),
  });
}
