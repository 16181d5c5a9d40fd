import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { readBanner, root } from './dev-gateway';
import { goTool } from './tools';

const run = promisify(execFile);

/**
 * The README's run command on this checkout: `npm run dev` starts the
 * emulator and the gateway and prints grpcurl lines; each printed line, run
 * with the real grpcurl, works; SIGTERM to npm stops everything, and
 * `npm run dev` exits with code 0.
 */
it.each([
  ['', [], 'QuickBlox', /^[0-9a-f]{40}$/],
  [' -- --upstream connectycube', ['--', '--upstream', 'connectycube'], 'ConnectyCube', /^[0-9A-F]{36}$/],
] as const)(
  'npm run dev%s prints grpcurl calls that work, and stops cleanly on SIGTERM',
  async (_shown, args, title, tokenShape) => {
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
      expect(banner).toContain(`embedded ${title} emulator`);
      expect(calls).toHaveLength(3);
      const outputs: unknown[] = [];
      for (const line of calls) {
        const { stdout } = await run('bash', ['-c', line.replace(/^grpcurl /, `'${grpcurl}' `)]);
        outputs.push(JSON.parse(stdout));
      }
      expect(outputs[0]).toMatchObject({ user: { login: 'alice', email: 'alice@example.com' } });
      expect(outputs[1]).toMatchObject({ session: { token: expect.stringMatching(tokenShape), applicationId: '12345' } });
      // QuickBlox: the demo caller's owner powers (the demo policy grants them to its bearer key only); ConnectyCube: a guest.
      if (title === 'QuickBlox') expect(outputs[2]).toMatchObject({ token: expect.stringMatching(tokenShape) });
      else expect(outputs[2]).toMatchObject({ session: { token: expect.stringMatching(tokenShape), userId: expect.any(String) } });
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
