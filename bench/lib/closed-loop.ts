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
  return loadResult(latencies, errors, started, cpu);
}

/** CPU µs this (calling) process spent per call of a load, failed calls included. */
export function callerCpuUs(load: LoadResult): number {
  return (load.callerCpuSeconds * 1e6) / Math.max(1, load.requests + load.errors);
}

/** A finished load: its latencies sorted, its duration and this process's CPU since `cpu` was read. */
export function loadResult(latencies: number[], errors: number, started: number, cpu: NodeJS.CpuUsage): LoadResult {
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
