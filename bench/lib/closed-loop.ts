export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  /** Sorted latencies in ms. */
  latencies: number[];
  /** CPU seconds this (calling) process used during the run. */
  callerCpuSeconds: number;
}

/**
 * A closed-loop load: `concurrency` workers each calling `fn` back to back
 * for `seconds`. Latency is measured per call; the calling process's CPU over
 * the whole run.
 */
export async function closedLoop(fn: () => Promise<unknown>, concurrency: number, seconds: number): Promise<LoadResult> {
  const latencies: number[] = [];
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
        } catch {
          errors++;
        }
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  return {
    requests: latencies.length,
    errors,
    seconds: (performance.now() - started) / 1000,
    latencies: latencies.sort((a, b) => a - b),
    callerCpuSeconds: (used.user + used.system) / 1e6,
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
