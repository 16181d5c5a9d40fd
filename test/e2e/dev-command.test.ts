import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { readBanner, root } from './dev-gateway';
import { goTool } from './tools';

const run = promisify(execFile);

/**
 * The README's run command on this checkout: `npm run dev` starts both
 * emulators and the gateway serving them as two applications, and prints
 * grpcurl lines for each; each printed line, run
 * with the real grpcurl, works; SIGTERM to npm stops everything, and
 * `npm run dev` exits with code 0.
 */
it.each([
  ['', [], 'quickblox'],
  [' -- --upstream connectycube', ['--', '--upstream', 'connectycube'], 'connectycube'],
] as const)(
  'npm run dev%s serves both emulators as two applications, prints grpcurl calls for each that work, and stops cleanly on SIGTERM',
  async (_shown, args, defaultName) => {
    const grpcurl = goTool('grpcurl');
    const child = spawn('npm', ['run', '-s', 'dev', ...args], {
      cwd: root,
      env: { ...process.env, GRPC_PORT: '0', LOG_LEVEL: 'warn', QB_APPLICATION_ID: '', QB_AUTH_KEY: '', QB_AUTH_SECRET: '' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.resume();
    try {
      const { banner, calls } = await readBanner(child);
      expect(banner).toContain(`as ${defaultName}, the default`);
      expect(calls).toHaveLength(6);
      // The default's calls name no application; the other's name it.
      const other = defaultName === 'quickblox' ? 'connectycube' : 'quickblox';
      const named = calls.map((line) => /-H 'qb-application: (\w+)'/.exec(line)?.[1] ?? defaultName);
      expect(named).toEqual([...Array(3).fill('quickblox'), ...Array(3).fill('connectycube')]);
      expect(calls.filter((line) => line.includes(`qb-application: ${other}`))).toHaveLength(3);
      const outputs: unknown[] = [];
      for (const line of calls) {
        const { stdout } = await run('bash', ['-c', line.replace(/^grpcurl /, `'${grpcurl}' `)]);
        outputs.push(JSON.parse(stdout));
      }
      const [qbToken, cubeToken] = [/^[0-9a-f]{40}$/, /^[0-9A-F]{36}$/];
      for (const at of [0, 3]) expect(outputs[at]).toMatchObject({ user: { login: 'alice', email: 'alice@example.com' } });
      expect(outputs[1]).toMatchObject({ session: { token: expect.stringMatching(qbToken), applicationId: '12345' } });
      expect(outputs[4]).toMatchObject({ session: { token: expect.stringMatching(cubeToken), applicationId: '12345' } });
      // QuickBlox: the demo caller's owner powers (the demo policy grants them to its bearer key only); ConnectyCube: a guest.
      expect(outputs[2]).toMatchObject({ token: expect.stringMatching(qbToken) });
      expect(outputs[5]).toMatchObject({ session: { token: expect.stringMatching(cubeToken), userId: expect.any(String) } });
      expect(banner).toContain('you are "anonymous": every method, no owner powers');
    } catch (e) {
      process.kill(-child.pid!, 'SIGKILL');
      throw e;
    }
    // To npm itself, as a supervisor would: the script execs node, so npm hands the signal to the gateway.
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code, signal] = (await exited) as [number | null, string | null];
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  },
  120_000,
);
