import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface GhzResult {
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
}

/** Runs ghz against a unary method for a fixed time at a fixed concurrency (and, given `rps`, a fixed rate); latencies in ms. */
export async function ghz(
  binary: string,
  target: string,
  call: string,
  data: unknown,
  options: { concurrency: number; seconds: number; rps?: number; metadata?: Record<string, string> },
): Promise<GhzResult> {
  const protoset = resolve(__dirname, '../../../gen/descriptor.binpb');
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
    '-z',
    `${options.seconds}s`,
    '--format',
    'json',
    ...(options.rps ? ['--rps', String(options.rps)] : []),
    ...(options.metadata ? ['-m', JSON.stringify(options.metadata)] : []),
    target,
  ];
  const { stdout } = await run(binary, args, { maxBuffer: 64 * 1024 * 1024 });
  const report = JSON.parse(stdout) as {
    count: number;
    rps: number;
    statusCodeDistribution?: Record<string, number>;
    latencyDistribution: { percentage: number; latency: number }[];
  };
  const at = (p: number) => (report.latencyDistribution.find((d) => d.percentage === p)?.latency ?? NaN) / 1e6;
  const ok = report.statusCodeDistribution?.OK ?? report.count;
  return { requests: report.count, errors: report.count - ok, rps: report.rps, p50: at(50), p95: at(95), p99: at(99) };
}
