/** One sample of the Prometheus text exposition format (0.0.4). */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+-?\d+)?\s*$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/gy;

const unescapeLabel = (s: string): string => s.replace(/\\(["\\n])/g, (_m, c: string) => (c === 'n' ? '\n' : c));

function parseValue(v: string): number {
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  return Number(v);
}

function parseLabels(body: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  LABEL.lastIndex = 0;
  let end = 0;
  for (let m = LABEL.exec(body); m !== null; m = LABEL.exec(body)) {
    out[m[1]!] = unescapeLabel(m[2]!);
    end = LABEL.lastIndex;
  }
  return body.slice(end).trim() === '' ? out : undefined;
}

/** Samples of a Prometheus text answer; comments and lines it cannot read are skipped. */
export function parsePrometheus(text: string): Sample[] {
  const out: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const labels = m[3] === undefined ? {} : parseLabels(m[3]);
    const value = parseValue(m[4]!);
    if (labels && !Number.isNaN(value)) out.push({ name: m[1]!, labels, value });
  }
  return out;
}

/** Lookups over parsed samples. */
export class Metrics {
  constructor(readonly samples: Sample[]) {}

  /** The value of an unlabelled metric (or the sum over its labels), undefined when absent. */
  total(name: string): number | undefined {
    const s = this.samples.filter((x) => x.name === name);
    return s.length === 0 ? undefined : s.reduce((a, x) => a + x.value, 0);
  }

  /** label value → value, for a metric broken down by one label. */
  by(name: string, label: string): Map<string, number> {
    const out = new Map<string, number>();
    for (const s of this.samples) {
      const k = s.labels[label];
      if (s.name === name && k !== undefined) out.set(k, (out.get(k) ?? 0) + s.value);
    }
    return out;
  }
}
