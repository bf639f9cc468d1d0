import { describe, expect, it } from 'vitest';
import { code, context, fields, reply, table, text } from '../src/render/reply.js';
import { renderText } from '../src/render/text.js';

describe('renderText', () => {
  it('renders a full reply in order', () => {
    const out = renderText(
      reply({
        title: 'Provider openai',
        severity: 'success',
        blocks: [
          text('Updated.'),
          fields([
            { label: 'Name', value: 'openai' },
            { label: 'Base URL', value: 'https://api.openai.com/v1' },
          ]),
          table(
            ['Model', { header: 'Requests', align: 'right' }],
            [
              ['gpt-4o', '1,234'],
              ['gpt-4o-mini', '5'],
            ],
          ),
          code('{\n  "enabled": true\n}', 'json'),
          context('as of 14:07 UTC'),
        ],
        actions: [
          { id: 'confirm:1', label: 'Confirm', style: 'danger' },
          { id: 'cancel:1', label: 'Cancel', style: 'default' },
        ],
      }),
    );
    expect(out).toBe(
      [
        '✔ Provider openai',
        '',
        'Updated.',
        '',
        'Name:     openai',
        'Base URL: https://api.openai.com/v1',
        '',
        'Model        Requests',
        '───────────  ────────',
        'gpt-4o          1,234',
        'gpt-4o-mini         5',
        '',
        '    {',
        '      "enabled": true',
        '    }',
        '',
        '· as of 14:07 UTC',
        '',
        '[Confirm] [Cancel]',
      ].join('\n'),
    );
  });

  it('marks severities', () => {
    expect(renderText(reply({ title: 'T', severity: 'info' }))).toBe('T');
    expect(renderText(reply({ title: 'T', severity: 'success' }))).toBe('✔ T');
    expect(renderText(reply({ title: 'T', severity: 'warning' }))).toBe('⚠ T');
    expect(renderText(reply({ title: 'T', severity: 'error' }))).toBe('✖ T');
  });

  it('puts markers on the first line when there is no title', () => {
    expect(renderText(reply({ severity: 'error', blocks: [text('Plexus is down')] }))).toBe('✖ Plexus is down');
    expect(renderText(reply({ severity: 'warning', blocks: [table(['A'], [['1']])] }))).toBe('⚠\n\nA\n─\n1');
    expect(renderText(reply({ severity: 'info', blocks: [text('hi')] }))).toBe('hi');
  });

  it('marks private replies', () => {
    expect(renderText(reply({ title: 'New key', severity: 'success', private: true, blocks: [text('secret shown once')] }))).toBe(
      '(private) ✔ New key\n\nsecret shown once',
    );
    expect(renderText(reply({ private: true, blocks: [text('x')] }))).toBe('(private) x');
    expect(renderText(reply({ private: true }))).toBe('(private)');
  });

  it('lists a file', () => {
    expect(renderText(reply({ title: 'Backup', file: { name: 'plexus.tar.gz', bytes: 2_300_000 } }))).toBe(
      'Backup\n\nfile: plexus.tar.gz (2.3 MB)',
    );
    expect(renderText(reply({ file: { name: 'a.json', path: '/var/lib/bot/a.json' } }))).toBe('file: a.json → /var/lib/bot/a.json');
  });

  it('aligns multi-line field values and unicode labels', () => {
    const out = renderText(
      reply({
        blocks: [
          fields([
            { label: 'Models', value: 'gpt-4o\ngpt-4o-mini' },
            { label: 'Größe', value: '' },
          ]),
        ],
      }),
    );
    expect(out).toBe('Models: gpt-4o\n        gpt-4o-mini\nGröße:');
  });

  it('shows empty tables and skips empty blocks', () => {
    expect(renderText(reply({ title: 'Cooldowns', blocks: [text(''), table(['Provider', 'Until'], [])] }))).toBe(
      'Cooldowns\n\nProvider  Until\n────────  ─────\n(no rows)',
    );
    expect(renderText(reply())).toBe('');
  });

  it('prefixes every context line', () => {
    expect(renderText(reply({ blocks: [context('one\ntwo')] }))).toBe('· one\n· two');
  });
});
