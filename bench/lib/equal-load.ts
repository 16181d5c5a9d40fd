import { callerCpuUs, type LoadResult } from './closed-loop';
import type { GhzResult } from './ghz';
import { measuredOn } from './processes';

/** One way of making the call, driven at the common rate. */
export interface EqualLoadPath {
  name: string;
  /** One round of load at the common rate: paced in this process, or ghz with `--rps`. */
  run: () => Promise<LoadResult | GhzResult>;
  /** The server process whose CPU per call is measured, if any. */
  serverPid?: number;
}

/** What one path did in one round. */
export interface PathRound {
  requests: number;
  errors: number;
  /** Calls completed a second. */
  rps: number;
  serverCpuUs?: number;
  /** This process's CPU per call minus what the pacing costs; only for paced loads. */
  callerCpuUs?: number;
  /** Latencies in ms (paced loads), or ghz's percentiles. */
  latencies?: number[];
  ghz?: GhzResult;
}

/**
 * Runs every path once per round, rounds one after the other, so that a
 * machine turning slower or faster during the run moves all paths together
 * and a ratio taken within a round keeps its meaning. Returns, per path, its
 * rounds in order.
 */
export async function equalLoad(paths: EqualLoadPath[], rounds: number, pacingUs: number, onRound: (round: number) => void): Promise<PathRound[][]> {
  const results: PathRound[][] = paths.map(() => []);
  for (let round = 1; round <= rounds; round++) {
    onRound(round);
    for (const [i, path] of paths.entries()) {
      const { result, cpuUs: serverCpuUs } =
        path.serverPid === undefined ? { result: await path.run(), cpuUs: undefined } : await measuredOn(path.serverPid, path.run);
      results[i]!.push(
        'latencies' in result
          ? {
              requests: result.requests,
              errors: result.errors,
              rps: result.requests / result.seconds,
              serverCpuUs,
              callerCpuUs: callerCpuUs(result) - pacingUs,
              latencies: result.latencies,
            }
          : { requests: result.requests, errors: result.errors, rps: result.rps, serverCpuUs, ghz: result },
      );
    }
  }
  return results;
}

export function median(values: number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
