import { Status } from 'nice-grpc-common';

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  /** Sorted latencies in ms. */
  latencies: number[];
  /** CPU seconds this (calling) process used during the run. */
  callerCpuSeconds: number;
  /** The failed calls by cause (a gRPC status and reason, or the error's message). */
  errorCauses: Record<string, number>;
}

/** What a failed call failed with, for a row's note: `RESOURCE_EXHAUSTED RATE_LIMITED`, or the message. */
export function causeOf(e: unknown): string {
  const { code, reason, message } = e as { code?: unknown; reason?: unknown; message?: unknown };
  if (typeof code === 'number') return [Status[code] ?? `status ${code}`, typeof reason === 'string' ? reason : ''].filter(Boolean).join(' ');
  return String(message ?? e).slice(0, 120);
}

/** Counts one failure under its cause. */
export function countFailure(causes: Record<string, number>, e: unknown): void {
  const cause = causeOf(e);
  causes[cause] = (causes[cause] ?? 0) + 1;
}

/**
 * A closed-loop load: `concurrency` workers each calling `fn` back to back
 * for `seconds`. Latency is measured per call; the calling process's CPU over
 * the whole run.
 */
export async function closedLoop(fn: () => Promise<unknown>, concurrency: number, seconds: number): Promise<LoadResult> {
  const latencies: number[] = [];
  const causes: Record<string, number> = {};
  let errors = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const t = performance.now();
        try {
          await fn();
          latencies.push(performance.now() - t);
        } catch (e) {
          errors++;
          countFailure(causes, e);
        }
      }
    }),
  );
  return loadResult(latencies, errors, started, cpu, causes);
}

/** CPU µs this (calling) process spent per call of a load, failed calls included. */
export function callerCpuUs(load: LoadResult): number {
  return (load.callerCpuSeconds * 1e6) / Math.max(1, load.requests + load.errors);
}

/** A finished load: its latencies sorted, its duration and this process's CPU since `cpu` was read. */
export function loadResult(latencies: number[], errors: number, started: number, cpu: NodeJS.CpuUsage, errorCauses: Record<string, number> = {}): LoadResult {
  const used = process.cpuUsage(cpu);
  return {
    requests: latencies.length,
    errors,
    seconds: (performance.now() - started) / 1000,
    latencies: latencies.sort((a, b) => a - b),
    callerCpuSeconds: (used.user + used.system) / 1e6,
    errorCauses,
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
