import parsePrometheusTextFormat, { type PromFamily, type PromMetric } from 'parse-prometheus-text-format';

/** A scrape parsed with a Prometheus text-format parser, with lookups by family and labels. */
export interface Scrape {
  families: PromFamily[];
  family(name: string): PromFamily | undefined;
  /** The series of `name` whose labels include `labels`. */
  series(name: string, labels?: Record<string, string>): PromMetric[];
  /** The value of the one series of `name` with `labels`; undefined when absent. */
  value(name: string, labels?: Record<string, string>): number | undefined;
  /**
   * A labelled histogram's `_count` for `labels`, read from the text: the parser folds the series of a
   * labelled histogram into one (it checks their syntax, not their labels).
   */
  histogramCount(name: string, labels: Record<string, string>): number | undefined;
}

/** GETs `${url}/metrics` (with `token` as bearer when given) and parses it; throws on a non-200 answer. */
export async function scrape(url: string, token?: string): Promise<Scrape> {
  const res = await fetch(`${url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  if (!String(res.headers.get('content-type')).startsWith('text/plain')) throw new Error(`/metrics content type ${res.headers.get('content-type')}`);
  const text = await res.text();
  const families = parsePrometheusTextFormat(text);
  const family = (name: string) => families.find((f) => f.name === name);
  const series = (name: string, labels: Record<string, string> = {}) => (family(name)?.metrics ?? []).filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return {
    families,
    family,
    series,
    value(name, labels) {
      const [m] = series(name, labels);
      if (!m) return undefined;
      return Number(m.value ?? m.count);
    },
    histogramCount(name, labels) {
      for (const line of text.split('\n')) {
        const m = new RegExp(`^${name}_count\\{(.*)\\} (\\S+)$`).exec(line);
        if (!m) continue;
        const got = Object.fromEntries([...m[1]!.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
        if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[2]);
      }
      return undefined;
    },
  };
}
