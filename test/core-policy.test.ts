import { describe, expect, it } from 'vitest';
import type { Actor } from '../src/core/actor.js';
import { TIERS, type Tier } from '../src/core/command.js';
import { authorize, grantedTier, type AccessRule } from '../src/core/policy.js';

const alice: Actor = { platform: 'slack', userId: 'U0ALICE', channelId: 'C0LLMOPS', groups: ['S0PLATFORM'] };
const cmd = (tier: Tier) => ({ name: `x ${tier}`, tier });

describe('authorize: every tier x allowed/denied', () => {
  for (const granted of TIERS) {
    for (const needed of TIERS) {
      const allowed = TIERS.indexOf(granted) >= TIERS.indexOf(needed);
      it(`${granted} grant, ${needed} command: ${allowed ? 'allowed' : 'denied'}`, () => {
        const d = authorize({ rules: [{ platform: 'slack', channels: ['C0LLMOPS'], tier: granted }] }, alice, cmd(needed));
        expect(d.allowed).toBe(allowed);
        if (!d.allowed) {
          expect(d.reason).toContain(`needs the ${needed} tier`);
          expect(d.reason).toContain(`you have the ${granted} tier`);
          expect(d.reason).toContain('plexus-bot.yml');
        }
      });
    }
  }
});

describe('grantedTier', () => {
  it('denies by default when no rule matches', () => {
    expect(grantedTier({ rules: [{ platform: 'discord', tier: 'destructive' }] }, alice)).toBeNull();
    expect(authorize({ rules: [] }, alice, cmd('read')).allowed).toBe(false);
  });

  it('takes the highest tier among matching rules, whatever their order', () => {
    const rules: AccessRule[] = [
      { platform: 'slack', channels: ['*'], tier: 'read' },
      { platform: 'slack', channels: ['C0LLMOPS'], groups: ['S0PLATFORM'], tier: 'destructive' },
      { platform: '*', tier: 'write' },
    ];
    expect(grantedTier({ rules }, alice)).toBe('destructive');
    expect(grantedTier({ rules: [...rules].reverse() }, alice)).toBe('destructive');
  });

  it('matches users, groups and roles; any one of them is enough', () => {
    const byUser: AccessRule = { platform: 'slack', users: ['U0ALICE'], groups: ['S0OTHER'], tier: 'write' };
    expect(grantedTier({ rules: [byUser] }, alice)).toBe('write');
    expect(grantedTier({ rules: [byUser] }, { ...alice, userId: 'U0BOB', groups: [] })).toBeNull();
    expect(grantedTier({ rules: [byUser] }, { ...alice, userId: 'U0BOB', groups: ['S0OTHER'] })).toBe('write');
    const byRole: AccessRule = { platform: 'discord', channels: ['*'], roles: ['112233'], tier: 'write' };
    expect(grantedTier({ rules: [byRole] }, { platform: 'discord', userId: '1', channelId: '9', groups: ['112233'] })).toBe('write');
    expect(grantedTier({ rules: [byRole] }, { platform: 'discord', userId: '1', channelId: '9', groups: ['445566'] })).toBeNull();
  });

  it('matches the dm channel only when listed', () => {
    const rules: AccessRule[] = [{ platform: 'slack', channels: ['dm'], tier: 'read' }];
    expect(grantedTier({ rules }, { ...alice, channelId: 'dm' })).toBe('read');
    expect(grantedTier({ rules }, alice)).toBeNull();
  });

  it('without a config file: console gets everything, chat platforms nothing', () => {
    expect(grantedTier({ rules: null }, { platform: 'console', userId: 'me', channelId: 'console', groups: [] })).toBe('destructive');
    expect(grantedTier({ rules: null }, alice)).toBeNull();
    const d = authorize({ rules: null }, alice, cmd('read'));
    expect(d.allowed).toBe(false);
    if (!d.allowed) expect(d.reason).toMatch(/No access rules are configured/);
  });

  it('a refusal names the needed tier without granting anything', () => {
    const d = authorize({ rules: [] }, { ...alice, channelId: 'dm' }, cmd('write'));
    expect(d).toMatchObject({ allowed: false, granted: null, needed: 'write' });
    if (!d.allowed) expect(d.reason).toContain('no access in direct messages');
  });
});
