import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { root } from './dev-gateway';

/** Every live descendant of `pid`, from /proc. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Gone while being read.
    }
  }
  const found: number[] = [];
  const visit = (parent: number) => {
    for (const [child, of] of parents) {
      if (of !== parent || found.includes(child)) continue;
      found.push(child);
      visit(child);
    }
  };
  visit(pid);
  return found;
}

/** A live process, not a zombie waiting to be reaped. */
function alive(pid: number): boolean {
  if (!existsSync(`/proc/${pid}`)) return false;
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** `npm run bench`'s process, built: its output, the children it has started so far, and its end. */
function startBench(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, ['dist/bench/run.js', ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const seen = new Set<number>();
  const collect = () => {
    for (const pid of descendants(child.pid!)) seen.add(pid);
  };
  const waiters: (() => void)[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (text: string) => {
      output += text;
      collect();
      for (const wake of waiters.splice(0)) wake();
    });
  }
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
  return {
    child,
    seen,
    output: () => output,
    /** Resolves once the output has `text` and the bench has at least `children` processes of its own. */
    async until(text: string, children: number) {
      for (;;) {
        collect();
        if (output.includes(text) && descendants(child.pid!).length >= children) return;
        await Promise.race([new Promise<void>((wake) => waiters.push(wake)), new Promise((r) => setTimeout(r, 50))]);
      }
    },
    exited,
  };
}

describe('the benchmark leaves no process behind', () => {
  it('when a scenario fails: it stops the emulator it started, says so, and exits 1', async () => {
    // A gateway that refuses its configuration: scenario 1 fails waiting for it, after the emulator is up.
    const bench = startBench(['--only', '1'], { QB_RATE_LIMIT: 'lots' });
    await bench.until('emulator on', 1);
    const [code] = await bench.exited;
    expect(code).toBe(1);
    expect(bench.output()).toContain('gateway not ready');
    expect(bench.output()).toMatch(/failed; stopped 1 child process still running; exit 1/);
    expect(bench.seen.size).toBeGreaterThan(0);
    expect([...bench.seen].filter(alive)).toEqual([]);
  }, 60_000);

  it('when interrupted (SIGINT): it stops the emulator and the gateway, and exits 130', async () => {
    const bench = startBench(['--only', '1']);
    await bench.until('logs to', 2);
    bench.child.kill('SIGINT');
    const [code] = await bench.exited;
    expect(code).toBe(130);
    expect(bench.output()).toMatch(/interrupted by SIGINT; stopped \d child processes still running; exit 130/);
    expect(bench.seen.size).toBeGreaterThanOrEqual(2);
    expect([...bench.seen].filter(alive)).toEqual([]);
  }, 60_000);

  it('--only pulls in the scenarios the chosen ones build on, and says so', async () => {
    const chosen = startBench(['--only', 'S,E']);
    await chosen.until('emulator on', 1);
    chosen.child.kill('SIGTERM');
    const [interrupted] = await chosen.exited;
    expect(interrupted).toBe(143);
    expect(chosen.output()).toContain('--only S,E also runs 1, 2, 3, 4: what the chosen scenarios build on');
    expect([...chosen.seen].filter(alive)).toEqual([]);
  }, 60_000);
});
