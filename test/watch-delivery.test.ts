import { describe, expect, it } from 'vitest';
import type { ChannelPoster } from '../src/core/channel-poster.js';
import { createLogger } from '../src/log.js';
import { reply, text } from '../src/render/reply.js';
import { Delivery } from '../src/watch/delivery.js';
import { MemoryStore } from '../src/watch/state-store.js';
import { RecordingPoster } from './support/recording-poster.js';

const quiet = () => createLogger({ level: 'silent', secrets: () => [], destination: { write: () => undefined } });

describe('delivery claims', () => {
  it('a post slower than its lease keeps the claim: another attempt meanwhile posts nothing, then gets the same message', async () => {
    const store = new MemoryStore();
    const channel = new RecordingPoster();
    let letThrough = () => {};
    const gate = new Promise<void>((resolve) => (letThrough = resolve));
    const slow: ChannelPoster = {
      platform: 'slack',
      post: async (id, r) => {
        await gate;
        return channel.post(id, r);
      },
      update: (id, m, r) => channel.update(id, m, r),
    };
    const target = { poster: slow, channelId: 'C0ONCALL' };
    // The other attempt posts at once if it ever gets the claim.
    const fast = { poster: channel, channelId: 'C0ONCALL' };
    const message = reply({ title: 'Cooldown: groq', blocks: [text('in cooldown')] });
    const [a, b] = ['a', 'b'].map((owner) => new Delivery(store, quiet(), { owner, intervalMs: 0, retryMinMs: 1, leaseMs: 60 }));

    const first = a!.postOnce('post:x', target, message);
    await new Promise((r) => setTimeout(r, 250)); // four leases
    expect(await b!.postOnce('post:x', fast, message)).toBeUndefined();
    letThrough();
    expect(await first).toEqual({ messageId: 'm1', fresh: true });
    expect(await b!.postOnce('post:x', fast, message)).toEqual({ messageId: 'm1', fresh: false });
    expect(channel.posts).toHaveLength(1);
  });
});
