/** Slash commands and button clicks → the core pipeline → messages. */
import { randomUUID } from 'node:crypto';
import {
  ApplicationCommandOptionType as OptionType,
  MessageFlags,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
} from 'discord.js';
import type { Logger } from 'pino';
import type { App } from '../../src/app.js';
import type { Attachment } from '../../src/core/command.js';
import { errorReply } from '../../src/core/error-reply.js';
import { reply, text } from '../../src/render/reply.js';
import { downloadAttachment, type AttachmentRef } from './attachments.js';
import { routeKey, type CommandDefinition } from './command-definition.js';
import { commandLine, type OptionValue } from './command-line.js';
import { payload, ReplyStream } from './delivery.js';
import { actorFrom } from './identity.js';
import type { ActionRefs, OutgoingMessage } from './messages.js';
import { visibilityOf } from './visibility.js';

export interface HandlerDeps {
  app: App;
  definition: CommandDefinition;
  refs: ActionRefs;
  logger: Logger;
  maxAttachmentBytes?: number;
  /** How long a click may run before its update is deferred (Discord wants an answer within 3 s). */
  buttonWaitMs?: number;
  /** How long deciding who sees an answer may take before it is deferred privately, to be safe (`api call` may read Plexus). */
  decideWaitMs?: number;
}

const EPHEMERAL = { flags: MessageFlags.Ephemeral } as const;

/** The options the user filled in, below the subcommand group and subcommand. */
function leafOptions(i: ChatInputCommandInteraction): readonly CommandInteractionOption[] {
  let opts = i.options.data;
  while (opts.length === 1 && (opts[0]!.type === OptionType.Subcommand || opts[0]!.type === OptionType.SubcommandGroup))
    opts = opts[0]!.options ?? [];
  return opts;
}

const STALE = reply({
  title: 'Unknown subcommand',
  severity: 'error',
  blocks: [
    text(
      'This /plexus subcommand is not known to the running bot (the command list is being updated). ' +
        'Nothing was run; try `/plexus run` with the command line.',
    ),
  ],
});

/**
 * Runs `work` for the first delivery of an interaction only: a copy (a
 * gateway replay, or the same interaction reaching another replica) finds it
 * claimed and runs and answers nothing. The claim is completed when the work
 * is done.
 */
export async function once(deps: HandlerDeps, interactionId: string, work: () => Promise<void>): Promise<void> {
  const claim = await deps.app.deliveries.begin(`discord:interaction:${interactionId}`);
  if (!claim) {
    deps.logger.info({ interactionId }, 'discord: interaction already taken; not run again');
    return;
  }
  try {
    await work();
  } finally {
    await claim.done().catch((e: unknown) => deps.logger.warn({ error: (e as Error).message }, 'discord: delivery claim not completed'));
  }
}

export async function handleChatInput(i: ChatInputCommandInteraction, deps: HandlerDeps): Promise<void> {
  const actor = actorFrom(i);
  const route = deps.definition.routes.get(routeKey(i.options.getSubcommandGroup(false), i.options.getSubcommand(false) ?? ''));
  const stream = (ephemeral: boolean) =>
    new ReplyStream(
      {
        ephemeral,
        first: (m) => i.editReply(payload(m, true)),
        next: (m, eph) => i.followUp({ ...payload(m, false), ...(eph ? EPHEMERAL : {}) }),
      },
      { refs: deps.refs, logger: deps.logger, fileLimit: i.attachmentSizeLimit },
    );
  if (!route) {
    await i.deferReply(EPHEMERAL);
    await stream(true).send(STALE);
    return;
  }
  const values: Record<string, OptionValue> = {};
  const files: AttachmentRef[] = [];
  for (const o of leafOptions(i)) {
    if (o.type === OptionType.Attachment && o.attachment)
      files.push({ name: o.attachment.name, url: o.attachment.url, size: o.attachment.size, contentType: o.attachment.contentType });
    else if (o.value !== undefined && o.value !== null) values[o.name] = o.value;
  }
  const line = commandLine(route, values);
  const preparing = deps.app.pipeline.prepare({ actor, text: line });
  let timer: NodeJS.Timeout | undefined;
  const slow = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), deps.decideWaitMs ?? 2000)));
  const early = await Promise.race([preparing, slow]);
  clearTimeout(timer);
  const ephemeral = early ? visibilityOf(early.decision).ephemeral : true;
  await i.deferReply(ephemeral ? EPHEMERAL : {});
  const prepared = early ?? (await preparing);
  const out = stream(ephemeral);

  let attachments: Attachment[];
  try {
    attachments = await Promise.all(files.map((f) => downloadAttachment(f, { maxBytes: deps.maxAttachmentBytes })));
  } catch (e) {
    await out.send(errorReply(e, randomUUID().slice(0, 8)));
    return;
  }
  const outcome = await deps.app.pipeline.run(prepared, { attachments, progress: (r) => out.send(r) });
  await out.send(outcome.reply);
}

/**
 * A click goes to `pipeline.action` with the button's id. What ran updates
 * the clicked message in place; a click that ran nothing (someone else's
 * confirmation, a second click, an expired or forgotten one, a refusal) is
 * answered to the clicker alone and leaves the message as it was.
 */
export async function handleButton(i: ButtonInteraction, deps: HandlerDeps): Promise<void> {
  const actor = actorFrom(i);
  const work = deps.refs.resolve(i.customId).then((id) => deps.app.pipeline.action(actor, id));
  let timer: NodeJS.Timeout | undefined;
  const early = await Promise.race([
    work,
    new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), deps.buttonWaitMs ?? 1500))),
  ]);
  clearTimeout(timer);
  const deferred = !early;
  if (deferred) await i.deferUpdate();
  const outcome = early ?? (await work);
  const opts = { refs: deps.refs, logger: deps.logger, fileLimit: i.attachmentSizeLimit };
  const followUp = (m: OutgoingMessage, eph: boolean) => i.followUp({ ...payload(m, false), ...(eph ? EPHEMERAL : {}) });

  const nothingRan = outcome.status === 'denied' || (outcome.status === 'error' && !outcome.command);
  if (nothingRan) {
    const first = (m: OutgoingMessage) => (deferred ? followUp(m, true) : i.reply({ ...payload(m, false), ...EPHEMERAL }));
    await new ReplyStream({ ephemeral: true, first, next: followUp }, opts).send(outcome.reply);
    return;
  }
  const first = (m: OutgoingMessage) => (deferred ? i.editReply(payload(m, true)) : i.update(payload(m, true)));
  await new ReplyStream({ ephemeral: i.message.flags.has(MessageFlags.Ephemeral), first, next: followUp }, opts).send(outcome.reply);
}
