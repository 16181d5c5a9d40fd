import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { adopt } from './supervise';

const run = promisify(execFile);

export interface GhzResult {
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  /** ghz's error messages with their counts, when there were errors. */
  errorCauses?: Record<string, number>;
}

/**
 * How long a ghz run lasts. A measured run is given its number of calls:
 * with `-z` ghz closes the connection when the time is up and counts the
 * calls still in flight as `Unavailable: … use of closed network connection`,
 * errors of its own making. `seconds` alone (`-z`) is for warm-ups.
 */
export type GhzLength = { calls: number } | { seconds: number };

export interface GhzOptions {
  concurrency: number;
  /** A fixed rate (`--rps`); with `seconds`, the run is `rps × seconds` calls. */
  rps?: number;
  metadata?: Record<string, string>;
}

/** Runs ghz against a unary method, at a fixed concurrency (and, given `rps`, a fixed rate); latencies in ms. */
export async function ghz(binary: string, target: string, call: string, data: unknown, options: GhzOptions & GhzLength): Promise<GhzResult> {
  const protoset = resolve(__dirname, '../../../gen/descriptor.binpb');
  const calls = 'calls' in options ? options.calls : options.rps ? Math.round(options.rps * options.seconds) : undefined;
  const args = [
    '--insecure',
    '--protoset',
    protoset,
    '--call',
    call,
    '-d',
    JSON.stringify(data),
    '-c',
    String(options.concurrency),
    '--connections',
    '1',
    ...(calls === undefined ? ['-z', `${'seconds' in options ? options.seconds : 1}s`] : ['-n', String(calls)]),
    '--format',
    'json',
    ...(options.rps ? ['--rps', String(options.rps)] : []),
    ...(options.metadata ? ['-m', JSON.stringify(options.metadata)] : []),
    target,
  ];
  const running = run(binary, args, { maxBuffer: 64 * 1024 * 1024 });
  adopt(running.child);
  const { stdout } = await running;
  const report = JSON.parse(stdout) as {
    count: number;
    rps: number;
    statusCodeDistribution?: Record<string, number>;
    errorDistribution?: Record<string, number>;
    latencyDistribution: { percentage: number; latency: number }[] | null;
  };
  const at = (p: number) => (report.latencyDistribution?.find((d) => d.percentage === p)?.latency ?? NaN) / 1e6;
  const ok = report.statusCodeDistribution?.OK ?? report.count;
  const errors = report.count - ok;
  return {
    requests: report.count,
    errors,
    rps: report.rps,
    p50: at(50),
    p95: at(95),
    p99: at(99),
    ...(errors > 0 ? { errorCauses: report.errorDistribution ?? {} } : {}),
  };
}

/** A closed-loop ghz run of about `seconds`, as many calls as the warm-up's rate gives, so that none is cut off at the end. */
export function callsFor(warmup: GhzResult, seconds: number): GhzLength {
  return { calls: Math.max(100, Math.round(warmup.rps * seconds)) };
}
