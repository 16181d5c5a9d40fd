import type { ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { demoApplication as app } from '../../emulator';
import { freePort, startLoggingChild } from './processes';

/** What bench/child/emulator-server prints. */
export interface EmulatorInfo {
  url: string;
  httpsUrl: string;
  certFile: string;
  aliceId: number;
  /** A second application like the demo one, on the same emulator. */
  second: { id: number; authKey: string; aliceId: number };
}

export interface GatewayProcess {
  child: ChildProcess;
  pid: number;
  /** `host:port` of its gRPC server. */
  target: string;
  metricsUrl: string;
  logFile: string;
}

/**
 * The gateway as `npm start` runs it, against the emulator over HTTPS,
 * logging at info to a file; `main` is its entry point (another build's, to
 * compare two builds).
 */
export async function startGatewayProcess(
  emulator: EmulatorInfo,
  env: NodeJS.ProcessEnv = {},
  nodeArgs: string[] = [],
  main = '../server/cli/main.js',
): Promise<GatewayProcess> {
  const [grpcPort, metricsPort] = [await freePort(), await freePort()];
  const logFile = join(tmpdir(), `qb-bench-gateway-${grpcPort}.log`);
  const child = startLoggingChild(
    main,
    {
      QB_APPLICATION_ID: String(app.id),
      QB_AUTH_KEY: app.authKey,
      QB_AUTH_SECRET: app.authSecret,
      QB_API_KEY: app.apiKey,
      QB_API_ENDPOINT: emulator.httpsUrl,
      QB_API_CA_FILE: emulator.certFile,
      GRPC_HOST: '127.0.0.1',
      GRPC_PORT: String(grpcPort),
      METRICS_PORT: String(metricsPort),
      LOG_LEVEL: 'info',
      ...env,
    },
    logFile,
    nodeArgs,
  );
  return { child, pid: child.pid!, target: `127.0.0.1:${grpcPort}`, metricsUrl: `http://127.0.0.1:${metricsPort}`, logFile };
}

/** The sum of a metric's samples on the gateway's /metrics whose labels contain `filter` (a metric without labels: its value). */
export async function metricSum(metricsUrl: string, name: string, filter = ''): Promise<number> {
  const text = await (await request(`${metricsUrl}/metrics`)).body.text();
  let sum = 0;
  // A metric without labels is `name value`; with labels, `name{…} value`.
  for (const line of text.split('\n'))
    if ((line.startsWith(`${name}{`) || line.startsWith(`${name} `)) && line.includes(filter)) sum += Number(line.split(' ').at(-1));
  return sum;
}

export async function waitReady(metricsUrl: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const res = await request(`${metricsUrl}/readyz`).catch(() => undefined);
    await res?.body.dump();
    if (res?.statusCode === 200) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('gateway not ready');
}
