import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { app } from '../gateway/harness';

export const root = resolve(__dirname, '../..');

/** The environment of a production gateway (`npm start`) in front of an emulator serving the tests' application, on loopback ports. */
export function productionEnv(emulatorUrl: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    QB_APPLICATION_ID: String(app.id),
    QB_AUTH_KEY: app.authKey,
    QB_AUTH_SECRET: app.authSecret,
    QB_API_ENDPOINT: emulatorUrl,
    GRPC_HOST: '127.0.0.1',
    GRPC_PORT: '0',
    METRICS_PORT: '0',
    ...extra,
  };
}

export interface DevGateway {
  child: ChildProcess;
  /** Everything it wrote to stderr so far (the banner). */
  banner: string;
  /** `127.0.0.1:port` of the gRPC server. */
  target: string;
  /** `127.0.0.1:port` of /metrics, /healthz, /readyz. */
  operator: string;
  /** The grpcurl lines it printed. */
  calls: string[];
  /** Sends a signal and resolves with how the process ended. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: string | null }>;
}

/** Reads the banner `npm run dev` prints until "Ctrl-C stops it.", and what it says. */
export function readBanner(child: ChildProcess): Promise<Omit<DevGateway, 'child' | 'stop'>> {
  let stderr = '';
  return new Promise((resolveBanner, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!stderr.includes('Ctrl-C stops it.')) return;
      const target = /gRPC on (\S+)/.exec(stderr)?.[1];
      const operator = /http:\/\/(\S+)\/metrics/.exec(stderr)?.[1];
      if (!target || !operator) return reject(new Error(`unexpected banner:\n${stderr}`));
      const calls = stderr
        .split('\n')
        .filter((line) => line.trimStart().startsWith('grpcurl '))
        .map((line) => line.trim());
      resolveBanner({ banner: stderr, target, operator, calls });
    });
    child.once('exit', (code) => reject(new Error(`exited early (${code}):\n${stderr}`)));
  });
}

/** The built development gateway (`node dist/server/cli/dev.js`) on ports the system picks. */
export async function startDevGateway(env: NodeJS.ProcessEnv = {}, args: readonly string[] = []): Promise<DevGateway> {
  const child = spawn('node', ['dist/server/cli/dev.js', ...args], {
    cwd: root,
    env: { ...process.env, GRPC_PORT: '0', METRICS_PORT: '0', LOG_LEVEL: 'warn', QB_APPLICATION_ID: '', QB_AUTH_KEY: '', QB_AUTH_SECRET: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.resume();
  try {
    const banner = await readBanner(child);
    return {
      child,
      ...banner,
      async stop(signal = 'SIGTERM') {
        const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        const [code, sig] = child.exitCode === null && child.signalCode === null ? await exited : [child.exitCode, child.signalCode];
        return { code, signal: sig };
      },
    };
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
}
