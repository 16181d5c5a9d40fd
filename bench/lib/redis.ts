import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from './processes';
import { adopt, stop } from './supervise';

/** A redis-server of the bench's own, without persistence, stopped with the run. */
export interface BenchRedis {
  url: string;
  /** Kills it at once (SIGKILL, as a crash) and starts it again on the same port after `downMs`. */
  restart(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

export const redisInstalled = (): boolean => spawnSync('redis-server', ['--version']).status === 0;

async function launch(port: number) {
  const child = adopt(
    spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'ignore'] }),
  );
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code})`)));
  });
  return child;
}

export async function startBenchRedis(): Promise<BenchRedis> {
  const port = await freePort();
  let child = await launch(port);
  return {
    url: `redis://127.0.0.1:${port}`,
    async restart(downMs) {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
      await new Promise((r) => setTimeout(r, downMs));
      child = await launch(port);
    },
    stop: () => stop(child),
  };
}
