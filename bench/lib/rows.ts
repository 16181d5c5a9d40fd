import { callerCpuUs, type LoadResult, percentile } from './closed-loop';
import { median, type PathRound } from './equal-load';
import type { GhzResult } from './ghz';

/** One line of the results table. */
export interface Row extends GhzResult {
  scenario: string;
  /** CPU µs per request of the server process measured (gateway or echo server), if any. */
  serverCpuUs?: number;
  /** CPU µs per request of the calling process, where the caller is this Node process. */
  callerCpuUs?: number;
  peakRssMb?: number;
  note?: string;
}

/** A row from a load this process drove. */
export function fromLoad(scenario: string, load: LoadResult, extra: Partial<Row> = {}): Row {
  return {
    scenario,
    requests: load.requests,
    errors: load.errors,
    rps: load.requests / load.seconds,
    p50: percentile(load.latencies, 50),
    p95: percentile(load.latencies, 95),
    p99: percentile(load.latencies, 99),
    callerCpuUs: callerCpuUs(load),
    ...extra,
    note: [extra.note, load.errors ? errorNote(load.errorCauses) : undefined].filter(Boolean).join('; ') || undefined,
  };
}

/** A row from a ghz run. */
export function fromGhz(scenario: string, r: GhzResult, extra: Partial<Row> = {}): Row {
  const note = [extra.note, errorNote(r.errorCauses)].filter(Boolean).join('; ') || undefined;
  return { scenario, requests: r.requests, errors: r.errors, rps: r.rps, p50: r.p50, p95: r.p95, p99: r.p99, ...extra, note };
}

/** ghz's error messages, counted, for a row's note: every error in a row is shown with its cause. */
export function errorNote(causes: Record<string, number> | undefined): string | undefined {
  if (!causes) return undefined;
  return `errors: ${Object.entries(causes)
    .map(([message, n]) => `${n} × ${message}`)
    .join('; ')}`;
}

/** A row of the equal-load rounds: CPU per call as the median of the rounds, latencies pooled (ghz: the median of its percentiles). */
export function equalRow(scenario: string, rounds: PathRound[], rate: number, roundSeconds: number): Row {
  const latencies = rounds.flatMap((r) => r.latencies ?? []).sort((a, b) => a - b);
  const latency = (p: 50 | 95 | 99) => (latencies.length ? percentile(latencies, p) : median(rounds.map((r) => r.ghz?.[`p${p}`] ?? Number.NaN)));
  const requests = rounds.reduce((n, r) => n + r.requests, 0);
  return {
    scenario: `${scenario} at ${rate}/s`,
    requests,
    errors: rounds.reduce((n, r) => n + r.errors, 0),
    rps: requests / (rounds.length * roundSeconds),
    p50: latency(50),
    p95: latency(95),
    p99: latency(99),
    serverCpuUs: median(rounds.map((r) => r.serverCpuUs ?? Number.NaN)),
    callerCpuUs: median(rounds.map((r) => r.callerCpuUs ?? Number.NaN)),
    note: `CPU: median of ${rounds.length} rounds`,
  };
}

/** A row that only carries a note (memory scenarios). */
export function noteRow(scenario: string, requests: number, note: string, extra: Partial<Row> = {}): Row {
  return { scenario, requests, errors: 0, rps: Number.NaN, p50: Number.NaN, p95: Number.NaN, p99: Number.NaN, note, ...extra };
}
