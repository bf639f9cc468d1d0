import { describe, expect, it } from 'vitest';
import {
  DASH,
  formatBytes,
  formatChange,
  formatCompact,
  formatDuration,
  formatMoney,
  formatNumber,
  formatPercent,
  formatRelative,
  formatTimestamp,
} from '../src/render/format.js';
import { sparkline } from '../src/render/sparkline.js';
import { displayWidth, layoutTable, truncate, truncateRows } from '../src/render/table.js';

const nothing = [null, undefined, NaN] as const;

describe('formatNumber / formatCompact', () => {
  it('groups thousands', () => {
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(999)).toBe('999');
    expect(formatNumber(1234567)).toBe('1,234,567');
    expect(formatNumber(-1234567)).toBe('-1,234,567');
    expect(formatNumber(1234.5)).toBe('1,234.5');
    expect(formatNumber(1234.5678)).toBe('1,234.57');
    expect(formatNumber(1e21)).toBe('1,000,000,000,000,000,000,000');
    expect(formatNumber(Infinity)).toBe('∞');
  });

  it('compacts', () => {
    expect(formatCompact(950)).toBe('950');
    expect(formatCompact(1234)).toBe('1.2k');
    expect(formatCompact(3_400_000)).toBe('3.4M');
    expect(formatCompact(1_200_000_000)).toBe('1.2B');
    expect(formatCompact(-1234)).toBe('-1.2k');
  });

  it('answers a dash for missing values', () => {
    for (const v of nothing) {
      expect(formatNumber(v)).toBe(DASH);
      expect(formatCompact(v)).toBe(DASH);
      expect(formatMoney(v)).toBe(DASH);
      expect(formatPercent(v)).toBe(DASH);
      expect(formatDuration(v)).toBe(DASH);
      expect(formatBytes(v)).toBe(DASH);
      expect(formatRelative(v, 0)).toBe(DASH);
      expect(formatTimestamp(v)).toBe(DASH);
      expect(formatChange(v, 1)).toBe(DASH);
      expect(formatChange(1, v)).toBe(DASH);
    }
    expect(formatTimestamp('not a date')).toBe(DASH);
    expect(formatTimestamp('')).toBe(DASH);
  });
});

describe('formatMoney', () => {
  it('shows cents for normal amounts', () => {
    expect(formatMoney(0)).toBe('$0.00');
    expect(formatMoney(12.3456)).toBe('$12.35');
    expect(formatMoney(1234)).toBe('$1,234.00');
    expect(formatMoney(0.5)).toBe('$0.50');
    expect(formatMoney(1_234_567.891)).toBe('$1,234,567.89');
    expect(formatMoney(-3)).toBe('-$3.00');
  });

  it('keeps tiny amounts visible', () => {
    expect(formatMoney(0.0003)).toBe('$0.0003');
    expect(formatMoney(0.000345)).toBe('$0.00035');
    expect(formatMoney(0.0123)).toBe('$0.012');
    expect(formatMoney(0.05)).toBe('$0.05');
    expect(formatMoney(-0.0003)).toBe('-$0.0003');
  });
});

describe('formatPercent / formatChange', () => {
  it('formats ratios', () => {
    expect(formatPercent(0.125)).toBe('12.5 %');
    expect(formatPercent(1, 0)).toBe('100 %');
    expect(formatPercent(0)).toBe('0.0 %');
    expect(formatPercent(12.3456, 2)).toBe('1,234.56 %');
  });

  it('describes changes', () => {
    expect(formatChange(112.5, 100)).toBe('+12.5 %');
    expect(formatChange(97, 100)).toBe('−3.0 %');
    expect(formatChange(100, 100)).toBe('0.0 %');
    expect(formatChange(5, 0)).toBe('new');
    expect(formatChange(0, 0)).toBe('n/a');
    expect(formatChange(0, 10)).toBe('−100.0 %');
    expect(formatChange(-5, -10)).toBe('+50.0 %');
    expect(formatChange(1_000_000, 1)).toBe('+99,999,900.0 %');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0 ms'],
    [850, '850 ms'],
    [999.4, '999 ms'],
    [999.6, '1.0 s'],
    [2400, '2.4 s'],
    [45_000, '45 s'],
    [59_600, '1 min'],
    [185_000, '3 min 5 s'],
    [3_599_600, '1 h'],
    [7_800_000, '2 h 10 min'],
    [86_400_000, '1 d'],
    [273_600_000, '3 d 4 h'],
    [-2400, '-2.4 s'],
  ])('%d ms → %s', (ms, out) => {
    expect(formatDuration(ms)).toBe(out);
  });
});

describe('formatRelative', () => {
  const now = Date.UTC(2024, 2, 5, 12, 0, 0);
  it('uses one coarse unit', () => {
    expect(formatRelative(now, now)).toBe('just now');
    expect(formatRelative(now - 10_000, now)).toBe('just now');
    expect(formatRelative(now - 45_000, now)).toBe('45 s ago');
    expect(formatRelative(now + 5 * 60_000, now)).toBe('in 5 min');
    expect(formatRelative(now - 3 * 3_600_000 - 59 * 60_000, now)).toBe('3 h ago');
    expect(formatRelative(now - 3 * 86_400_000, now)).toBe('3 d ago');
    expect(formatRelative(now - 4000 * 86_400_000, now)).toBe('4,000 d ago');
  });

  it('accepts ISO strings and Dates', () => {
    expect(formatRelative('2024-03-05T14:00:00Z', now)).toBe('in 2 h');
    expect(formatRelative(new Date(now - 120_000), now)).toBe('2 min ago');
  });
});

describe('formatTimestamp', () => {
  const ts = Date.UTC(2024, 2, 5, 14, 7, 59);
  it('prints UTC minutes', () => {
    expect(formatTimestamp(ts)).toBe('2024-03-05 14:07');
    expect(formatTimestamp('2024-03-05T14:07:00+02:00')).toBe('2024-03-05 12:07');
    expect(formatTimestamp(String(ts))).toBe('2024-03-05 14:07');
    expect(formatTimestamp(0)).toBe('1970-01-01 00:00');
  });

  it('drops the date on the same UTC day', () => {
    expect(formatTimestamp(ts, Date.UTC(2024, 2, 5, 23, 59))).toBe('14:07');
    expect(formatTimestamp(ts, Date.UTC(2024, 2, 6, 0, 1))).toBe('2024-03-05 14:07');
  });
});

describe('formatBytes', () => {
  it('uses decimal units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 kB');
    expect(formatBytes(999_999)).toBe('1.0 MB');
    expect(formatBytes(2_300_000)).toBe('2.3 MB');
    expect(formatBytes(45_000_000_000)).toBe('45 GB');
    expect(formatBytes(-2048)).toBe('-2.0 kB');
  });
});

describe('sparkline', () => {
  it('maps values to the eight blocks', () => {
    expect(sparkline([])).toBe('');
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([5, 5, 5])).toBe('▁▁▁');
    expect(sparkline([7])).toBe('▁');
    expect(sparkline([-1, 1])).toBe('▁█');
    expect(sparkline([0, NaN, 2])).toBe('▁▁█');
  });

  it('honours a fixed scale', () => {
    expect(sparkline([5, 6], { min: 0, max: 7 })).toBe('▆▇');
  });

  it('sums into at most `width` buckets', () => {
    const s = sparkline(Array.from({ length: 100 }, () => 1));
    expect(Array.from(s).length).toBeLessThanOrEqual(30);
    expect(new Set(s).size).toBe(1);
    // 6 points in 3 buckets: [1+1, 1+1, 10+10]
    expect(sparkline([1, 1, 1, 1, 10, 10], { width: 3 })).toBe('▁▁█');
    // an uneven first bucket is scaled, not shown as a dip
    expect(sparkline([1, 1, 1, 1, 1, 1, 1], { width: 3 })).toBe('▁▁▁');
  });
});

describe('layoutTable', () => {
  it('pads, aligns and rules', () => {
    const out = layoutTable(
      [{ header: 'Name' }, { header: 'Reqs', align: 'right' }],
      [
        ['openai', '1,234'],
        ['x', '5'],
      ],
    );
    expect(out.split('\n')).toEqual(['Name     Reqs', '──────  ─────', 'openai  1,234', 'x           5']);
  });

  it('truncates long cells and flattens newlines', () => {
    const out = layoutTable(['A'], [['x'.repeat(50)], ['one\ntwo']], { maxColWidth: 10 });
    const lines = out.split('\n');
    expect(lines[2]).toBe(`${'x'.repeat(9)}…`);
    expect(lines[3]).toBe('one two');
  });

  it('handles empty and ragged tables', () => {
    expect(layoutTable(['A', 'B'], [], { empty: '(no rows)' })).toBe('A  B\n─  ─\n(no rows)');
    expect(layoutTable(['A', 'B'], [['1'], ['1', '2', '3']])).toBe('A  B\n─  ─\n1\n1  2');
  });

  it('counts wide characters', () => {
    expect(displayWidth('▁▂█→')).toBe(4);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(truncate('日本語テキスト', 5)).toBe('日本…');
    const out = layoutTable(
      ['K', 'V'],
      [
        ['日本', '1'],
        ['ab', '2'],
      ],
    ).split('\n');
    expect(out[2]).toBe('日本  1');
    expect(out[3]).toBe('ab    2');
  });

  it('truncateRows reports what was left out', () => {
    expect(truncateRows([1, 2, 3], 2)).toEqual({ rows: [1, 2], omitted: 1 });
    expect(truncateRows([1], 5)).toEqual({ rows: [1], omitted: 0 });
    expect(truncateRows([1, 2], -1)).toEqual({ rows: [], omitted: 2 });
  });
});
