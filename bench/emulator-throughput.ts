/**
 * How fast the emulator answers an authenticated `GET /users/{id}.json`, so
 * that it is never the bottleneck of a gateway benchmark. The emulator runs
 * in this process (one core of JavaScript); wrk runs beside it with one
 * thread. Prints requests/s and requests per CPU-second of the emulator.
 *
 *   npm run bench:emulator [-- --seconds 10 --connections 32]
 */
import { spawn, spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { request } from 'undici';
import { demoApplication, startEmulator } from '../emulator';
import { benchEntry } from './lib/runtime';
import { sessionRequest } from './lib/session-request';
import { adopt } from './lib/supervise';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '32' } } });
  if (spawnSync('wrk', ['--version']).error) {
    console.error('bench:emulator needs wrk (Debian: apt-get install wrk)');
    process.exit(2);
  }
  const emulator = await startEmulator({ applications: [structuredClone(demoApplication)] });
  const { path, ...session } = sessionRequest();
  const res = await request(`${emulator.url}${path}`, session);
  const token = ((await res.body.json()) as { session: { token: string } }).session.token;
  const userId = emulator.state.apps.get(demoApplication.id)!.users.find('login', 'alice')!.id;
  const url = `${emulator.url}/users/${userId}.json`;

  console.log(`warming up, then ${values.seconds} s of wrk with ${values.connections} connections against ${url}`);
  await runWrk(url, token, '2', values.connections!);
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const output = await runWrk(url, token, values.seconds!, values.connections!);
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const requests = Number(/(\d+) requests in/.exec(output)?.[1] ?? 0);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0);
  console.log(output.trim());
  console.log(
    JSON.stringify({
      requestsPerSecond: Math.round(requests / elapsed),
      requestsPerCpuSecond: Math.round(requests / cpuSeconds),
      emulatorCpuShare: +(cpuSeconds / elapsed).toFixed(2),
      non2xx,
    }),
  );
  await emulator.close();
}

function runWrk(url: string, token: string, seconds: string, connections: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const wrk = adopt(spawn('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '-H', `QB-Token: ${token}`, url]));
    let out = '';
    wrk.stdout.on('data', (d: Buffer) => (out += d.toString()));
    wrk.on('error', reject);
    wrk.on('close', () => resolve(out));
  });
}

benchEntry('emulator', main);
