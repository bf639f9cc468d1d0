/**
 * Slack events → the pipeline, outcomes → Slack. Translation only: what
 * runs, who may run it and what needs confirming is the core's business.
 */
import type { App as BoltApp, BlockAction, ButtonAction } from '@slack/bolt';
import type { Audience as CoreAudience } from '../../src/core/audience.js';
import type { Outcome, Pipeline } from '../../src/core/pipeline.js';
import type { Attachment } from '../../src/core/command.js';
import type { DeliveryClaims } from '../../src/core/deliveries.js';
import { maskCommandLine } from '../../src/render/mask.js';
import { context, reply, text, type Reply } from '../../src/render/reply.js';
import { renderText } from '../../src/render/text.js';
import { deliver, type AnswerDeps, type Audience } from './answer.js';
import { actionIdOf, renderBlockKit } from './block-kit.js';
import { inDirectMessage, viaResponseUrl, type Conversation, type ConversationDeps } from './conversation.js';
import { downloadFiles, SlackFileError, type SlackFile } from './files.js';
import { slackActor, typedText, type UserGroups } from './identity.js';

export interface HandlerDeps extends AnswerDeps, ConversationDeps {
  pipeline: Pipeline;
  groups: UserGroups;
  /** The slash command, e.g. `/plexus`. */
  command: string;
  /** Tell the requester the bot is working when the answer takes longer than this. */
  workingNoticeMs: number;
  botToken: string;
  apiUrl: string;
  maxFileBytes: number;
  /** Work still running (answers being computed or sent); `stop` waits for it. */
  inFlight: Set<Promise<unknown>>;
  /** Each delivery is claimed before it runs, so a retry or a copy on another replica runs nothing. */
  deliveries: DeliveryClaims;
}

/** Slack has two places an answer goes: the core's `private` and `requester` are both the requester's alone. */
const slackAudience = (a: CoreAudience): 'requester' | 'channel' => (a === 'channel' ? 'channel' : 'requester');

/** Adds "by @user" to a message the team will see, unless the command already said who. */
function withAuthor(r: Reply, userId: string): Reply {
  const mention = `<@${userId}>`;
  return renderText(r).includes(mention) ? r : { ...r, blocks: [...r.blocks, context(`by ${mention}`)] };
}

async function present(d: HandlerDeps, conv: Conversation, o: Outcome, userId: string): Promise<void> {
  const audience = slackAudience(o.audience);
  await deliver(d, conv, audience === 'channel' ? withAuthor(o.reply, userId) : o.reply, audience);
}

const track = (d: HandlerDeps, work: Promise<unknown>): Promise<unknown> => {
  d.inFlight.add(work);
  return work.finally(() => d.inFlight.delete(work));
};

/**
 * Runs `work` for the first attempt at a delivery only. Slack retries an event
 * it thinks was missed (X-Slack-Retry-Num) and a copy may reach another
 * replica: one that finds the delivery claimed runs and answers nothing (it
 * was acked already). The claim is completed once the work is done, answered
 * or its failure told.
 */
async function once(d: HandlerDeps, key: string, retryNum: number | undefined, work: () => Promise<void>): Promise<void> {
  const claim = await d.deliveries.begin(key);
  if (!claim) {
    d.logger.info({ delivery: key.split(':', 2).join(':'), retryNum }, 'Slack delivery already taken; not run again');
    return;
  }
  try {
    await work();
  } finally {
    await claim.done().catch((e: unknown) => d.logger.warn({ error: (e as Error).message }, 'delivery claim not completed'));
  }
}

interface Request {
  userId: string;
  channelId: string;
  channelName?: string;
  text: string;
  attachments?: Attachment[];
}

/** Runs one command line and answers it; says "working…" when Plexus is slow. */
async function runLine(d: HandlerDeps, conv: Conversation, req: Request): Promise<void> {
  const actor = slackActor(req.userId, req.channelId, req.channelName, await d.groups.of(req.userId));
  const notice = setTimeout(() => {
    const working = reply({ blocks: [context(`⏳ Working on \`${maskCommandLine(req.text.trim()) || 'help'}\`…`)] });
    conv
      .toRequester(renderBlockKit(working))
      .catch((e: unknown) => d.logger.warn({ error: (e as Error).message }, 'working notice not delivered'));
  }, d.workingNoticeMs);
  let outcome: Outcome;
  try {
    outcome = await d.pipeline.handle({
      actor,
      text: req.text,
      attachments: req.attachments ?? [],
      // A progress message that cannot be delivered must not fail the command itself.
      progress: (update, audience) =>
        deliver(d, conv, update, slackAudience(audience)).catch((e: unknown) =>
          d.logger.warn({ error: (e as Error).message }, 'progress update not delivered'),
        ),
    });
  } finally {
    clearTimeout(notice);
  }
  await present(d, conv, outcome, req.userId);
}

/** What went wrong on the Slack side, told to the requester (never thrown into Bolt). */
async function tellFailure(d: HandlerDeps, conv: Conversation, e: unknown): Promise<void> {
  const known = e instanceof SlackFileError;
  if (!known) d.logger.error({ err: e }, 'Slack request failed');
  const r = reply({
    title: known ? 'File problem' : 'Something went wrong',
    severity: 'error',
    blocks: [text(known ? e.message : 'The bot could not finish this request; the details are in its log.')],
  });
  await conv.toRequester(renderBlockKit(r)).catch(() => undefined);
}

function onSlashCommand(bolt: BoltApp, d: HandlerDeps): void {
  bolt.command(d.command, async ({ command, ack, respond, context }) => {
    // Ack first and empty: Slack wants an answer within 3 s, Plexus may take longer.
    await ack();
    const conv = viaResponseUrl(d, { respond, userId: command.user_id, channelId: command.channel_id });
    const req = {
      userId: command.user_id,
      channelId: command.channel_id,
      channelName: command.channel_name,
      text: typedText(command.text ?? ''),
    };
    const work = () => runLine(d, conv, req).catch((e: unknown) => tellFailure(d, conv, e));
    void track(
      d,
      once(d, `slack:command:${command.trigger_id}`, context.retryNum, work).catch((e: unknown) => tellFailure(d, conv, e)),
    );
  });
}

/**
 * Button clicks. Confirm and cancel replace the prompt in place with the
 * outcome (and a change is posted for the team when the prompt was only the
 * requester's); a click that the core refuses (someone else's prompt, a
 * second click) is answered to the clicker alone and leaves the prompt be.
 */
function onButton(bolt: BoltApp, d: HandlerDeps): void {
  bolt.action<BlockAction<ButtonAction>>({ type: 'block_actions' }, async ({ ack, body, action, respond, context }) => {
    await ack();
    if (action.type !== 'button') return;
    const channelId = body.channel?.id ?? (body.container.channel_id as string | undefined);
    if (!channelId) return;
    const ephemeral = body.container.is_ephemeral === true;
    const conv = viaResponseUrl(d, {
      respond,
      userId: body.user.id,
      channelId,
      messageTs: (body.container.message_ts as string | undefined) ?? body.message?.ts,
      ephemeralOriginal: ephemeral,
    });
    const work = async () => {
      const actor = slackActor(body.user.id, channelId, body.channel?.name, await d.groups.of(body.user.id));
      const id = actionIdOf(action);
      const outcome = await d.pipeline.action(actor, id);
      const kind = id.split(':', 1)[0];
      if (kind !== 'confirm' && kind !== 'cancel') return present(d, conv, outcome, body.user.id);
      if (outcome.code === 'CONFIRM_NOT_YOURS' || outcome.code === 'CONFIRM_USED') return deliver(d, conv, outcome.reply, 'requester');
      const audience: Audience = slackAudience(outcome.audience);
      const shown = audience === 'channel' ? withAuthor(outcome.reply, body.user.id) : outcome.reply;
      await deliver(d, conv, shown, 'replace');
      if (audience === 'channel' && ephemeral) await deliver(d, conv, { ...shown, file: undefined }, 'channel');
    };
    const key = `slack:action:${body.trigger_id ?? action.action_ts}`;
    void track(
      d,
      once(d, key, context.retryNum, () => work().catch((e: unknown) => tellFailure(d, conv, e))).catch((e: unknown) =>
        tellFailure(d, conv, e),
      ),
    );
  });
}

interface DirectMessageEvent {
  channel: string;
  channel_type?: string;
  user?: string;
  bot_id?: string;
  subtype?: string;
  text?: string;
  ts: string;
  client_msg_id?: string;
  files?: SlackFile[];
}

/** "@bot", "/plexus" or "plexus" in front of a DM'd command line are not part of it. */
const LEAD = /^\s*(?:<@[A-Z0-9]+>\s*)?(?:\/?plexus\b\s*)?/i;

/**
 * A message in the bot's DM is a command line; files shared with it are the
 * command's attachments (a backup for `restore`), downloaded with the bot token.
 */
function onDirectMessage(bolt: BoltApp, d: HandlerDeps): void {
  bolt.event('message', async ({ event, context }) => {
    const m = event as unknown as DirectMessageEvent;
    if (m.channel_type !== 'im' || m.bot_id || !m.user) return;
    if (m.subtype !== undefined && m.subtype !== 'file_share') return;
    // Slack redelivers an event it thinks was missed (the same event, the same message): a command runs once.
    const key = `slack:dm:${m.client_msg_id ?? `${m.channel}/${m.ts}`}`;
    const conv = inDirectMessage(d, { userId: m.user, channelId: m.channel });
    const work = async () => {
      const attachments = m.files?.length
        ? await downloadFiles(m.files, { token: d.botToken, apiUrl: d.apiUrl, maxBytes: d.maxFileBytes })
        : [];
      await runLine(d, conv, {
        userId: m.user!,
        channelId: m.channel,
        channelName: 'directmessage',
        text: typedText(m.text ?? '').replace(LEAD, ''),
        attachments,
      });
    };
    void track(
      d,
      once(d, key, context.retryNum, () => work().catch((e: unknown) => tellFailure(d, conv, e))).catch((e: unknown) =>
        tellFailure(d, conv, e),
      ),
    );
  });
}

export function registerHandlers(bolt: BoltApp, d: HandlerDeps): void {
  onSlashCommand(bolt, d);
  onButton(bolt, d);
  onDirectMessage(bolt, d);
  bolt.error(async (e) => {
    d.logger.error({ err: { message: e.message, code: (e as { code?: string }).code } }, 'Slack listener error');
  });
}
