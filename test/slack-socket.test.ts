import { afterEach, expect, it } from 'vitest';
import { startSlackHarness, type SlackHarness } from './fakes/slack-harness.js';
import { messageText } from './fakes/slack-validate.js';

let h: SlackHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

it('answers a command over Socket Mode, survives a disconnect, and answers the next one', async () => {
  h = await startSlackHarness({ mode: 'socket' });
  // The connection was opened with the app token, through SLACK_API_URL.
  expect(h.slack.callsTo('apps.connections.open')[0]!.token).toBe(h.slack.appToken);

  const first = await h.command('providers list');
  expect(first.ms).toBeLessThan(1000);
  expect(messageText((await h.waitPosts(first.hook))[0]!.body)).toContain('anthropic');

  h.slack.socket.disconnect();
  await h.slack.socket.connected(2);
  expect(h.slack.callsTo('apps.connections.open')).toHaveLength(2);

  const second = await h.command('providers disable openai');
  const [p] = await h.waitPosts(second.hook);
  expect(p!.body.response_type).toBe('in_channel');
  expect(messageText(p!.body)).toContain('enabled: yes → no');
});

it('takes button clicks over Socket Mode and serves /healthz when given a port', async () => {
  h = await startSlackHarness({ mode: 'socket' });
  const sent = await h.command('keys delete alice-dev');
  const [prompt] = await h.waitPosts(sent.hook);
  const cancel = (prompt!.body.blocks as { type: string; elements?: { action_id: string }[] }[]).find((b) => b.type === 'actions')!
    .elements![1]!;
  const click = await h.click(cancel.action_id);
  expect(messageText((await h.waitPosts(click.hook))[0]!.body)).toContain('was cancelled');
  const health = await fetch(`http://127.0.0.1:${h.handle.port}/healthz`);
  expect(health.status).toBe(200);
});
