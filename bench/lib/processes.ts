import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { resolve } from 'node:path';
import { adopt } from './supervise';

const clockTicks = 100; // USER_HZ on Linux

/** A child Node process of the benchmark, started from dist/, with the first JSON line it printed. */
export async function startChild<T>(script: string, env: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess; info: T }> {
  const child = adopt(spawn(process.execPath, [resolve(__dirname, '..', script)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] }));
  const info = await new Promise<T>((resolveInfo, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const line = text.split('\n').find((l) => l.startsWith('{'));
      if (!line) return;
      child.stdout!.off('data', onData);
      child.stdout!.resume();
      resolveInfo(JSON.parse(line) as T);
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before it was ready`)));
  });
  return { child, info };
}

/**
 * A child Node process whose standard output and error go to a file: the gateway's log
 * then costs the gateway its writes, as in production, and the measuring
 * process nothing (reading it there would add to the caller's CPU and latency).
 */
export function startLoggingChild(script: string, env: NodeJS.ProcessEnv, logFile: string, nodeArgs: string[] = []): ChildProcess {
  const out = openSync(logFile, 'w');
  try {
    return adopt(spawn(process.execPath, [...nodeArgs, resolve(__dirname, '..', script)], { env: { ...process.env, ...env }, stdio: ['ignore', out, out] }));
  } finally {
    closeSync(out);
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
export function cpuSeconds(pid: number): number {
  return statCpuSeconds(`/proc/${pid}/stat`);
}

/** Runs a load and gives the CPU µs per request that process `pid` used while it ran. */
export async function measuredOn<T extends { requests: number }>(pid: number, load: () => Promise<T>): Promise<{ result: T; cpuUs: number }> {
  const before = cpuSeconds(pid);
  const result = await load();
  return { result, cpuUs: ((cpuSeconds(pid) - before) * 1e6) / Math.max(1, result.requests) };
}

/** CPU seconds of a process's main (JavaScript) thread and of all its other threads (V8's compiler and GC helpers, libuv's pool). */
export function threadCpuSeconds(pid: number): { main: number; others: number } {
  let others = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) if (tid !== String(pid)) others += statCpuSeconds(`/proc/${pid}/task/${tid}/stat`);
  return { main: statCpuSeconds(`/proc/${pid}/task/${pid}/stat`), others };
}

function statCpuSeconds(file: string): number {
  const fields = readFileSync(file, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

/** Current and peak resident set size of a process in bytes, from /proc. */
export function memory(pid: number): { rss: number; peakRss: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), peakRss: kb('VmHWM') };
}

/** A loopback port free right now, for a process that needs a port before it starts. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}
