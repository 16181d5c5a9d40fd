import { callerCpuUs, countFailure, type LoadResult, loadResult } from './closed-loop';

export interface PacedOptions {
  /** Calls started per second. */
  rate: number;
  /** Most calls in flight; a call due while this many are running waits for one to end. */
  concurrency: number;
  seconds: number;
}

/**
 * An open-loop load at a fixed rate, at most `concurrency` calls in flight.
 * A call's latency runs from when it starts: timers here fire up to a few ms
 * late (0.6 ms at the median, 3.5 ms at p99, measured at 500/s on the 2-core
 * machine of bench/README.md), which would otherwise be charged to whatever is
 * measured. A rate below what the path sustains keeps the cap from holding
 * calls back. The calling process's CPU includes the pacing timers: see
 * `pacingCpuUs`.
 */
export async function paced(fn: () => Promise<unknown>, options: PacedOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const causes: Record<string, number> = {};
  let errors = 0;
  const interval = 1000 / options.rate;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const total = Math.round(options.seconds * options.rate);
  let issued = 0;
  let inFlight = 0;
  let wake: (() => void) | undefined;
  const running: Promise<void>[] = [];
  const start = () => {
    inFlight++;
    const begun = performance.now();
    running.push(
      fn()
        .then(
          () => void latencies.push(performance.now() - begun),
          (e: unknown) => {
            errors++;
            countFailure(causes, e);
          },
        )
        .finally(() => {
          inFlight--;
          wake?.();
        }),
    );
  };
  while (issued < total) {
    const due = started + issued * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    while (inFlight >= options.concurrency) await new Promise<void>((r) => (wake = r));
    // Every call already due starts now: a late timer must not lower the rate.
    const now = performance.now();
    while (issued < total && started + issued * interval <= now && inFlight < options.concurrency) {
      issued++;
      start();
    }
  }
  await Promise.all(running);
  return loadResult(latencies, errors, started, cpu, causes);
}

/** CPU µs per call the pacing itself costs this process at this rate (timers, promises), measured with a call that does nothing. */
export async function pacingCpuUs(options: PacedOptions): Promise<number> {
  const idle = await paced(async () => undefined, options);
  return callerCpuUs(idle);
}
