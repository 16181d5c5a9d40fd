import type { ChildProcess } from 'node:child_process';

/** Every child process the bench has started and that has not exited: none may outlive the run. */
const children = new Set<ChildProcess>();

/** How long a child has to exit after SIGTERM before it is killed. */
const killAfterMs = 5000;

/** Puts `child` under the run's supervision: it is stopped when the run ends, however it ends. */
export function adopt<T extends ChildProcess>(child: T): T {
  if (child.exitCode === null && child.signalCode === null) {
    children.add(child);
    child.once('exit', () => children.delete(child));
  }
  return child;
}

/** Asks a child to stop (SIGTERM) and waits until it has exited; kills it if it takes longer than 5 s. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const kill = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  await exited;
  clearTimeout(kill);
}

/** Stops every child still running; returns how many there were. */
export async function stopAll(): Promise<number> {
  const left = [...children];
  await Promise.all(left.map(stop));
  return left.length;
}

/** How a supervised run ended, and the exit status that says so. */
const endings = { done: 0, failed: 1, SIGINT: 130, SIGTERM: 143 } as const;

/**
 * Runs a bench entry point so that no child outlives it: when `main` ends,
 * fails, or the process gets SIGINT or SIGTERM, every child it started is
 * stopped, and the process exits 0 (done), 1 (failed) or 128 + the signal's
 * number (interrupted), whatever else is still open.
 */
export function runSupervised(name: string, main: () => Promise<void>): void {
  let ending = false;
  const end = async (how: keyof typeof endings, error?: unknown) => {
    if (ending) return;
    ending = true;
    if (error !== undefined) console.error(error);
    const stopped = await stopAll().catch(() => -1);
    const what = how === 'done' ? 'done' : how === 'failed' ? 'failed' : `interrupted by ${how}`;
    console.error(`[${name}] ${what}; stopped ${stopped} child process${stopped === 1 ? '' : 'es'} still running; exit ${endings[how]}`);
    process.exit(endings[how]);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void end(signal));
  main().then(
    () => end('done'),
    (e: unknown) => end('failed', e),
  );
}
