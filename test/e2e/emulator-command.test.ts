import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'undici';
import { demoApplication } from '../../emulator/demo';
import { root } from './dev-gateway';

/** `npm run emulator` as built (`node dist/emulator/main.js`), in each flavour, on a port the system picks and no HTTPS (`--https-port -1`, as its help writes it). */
it.each([
  [[], 'QuickBlox', '/session.json', /^[0-9a-f]{40}$/],
  [['--flavour', 'connectycube'], 'ConnectyCube', '/session', /^[0-9A-F]{36}$/],
] as const)('npm run emulator -- %j serves its API and stops on SIGTERM', async (args, title, path, tokenShape) => {
  const child = spawn('node', ['dist/emulator/main.js', '--port', '0', '--https-port', '-1', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = new RegExp(`^${title} emulator listening on (http://\\S+)`, 'm').exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`exited (${code}): ${out}`)));
  });
  try {
    // ConnectyCube takes an unsigned JSON request; QuickBlox refuses one without a signature.
    const res = await request(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ application_id: demoApplication.id, auth_key: demoApplication.authKey }),
    });
    const body = (await res.body.json()) as { session?: { token: string } };
    if (title === 'ConnectyCube')
      expect({ status: res.statusCode, token: body.session?.token }).toEqual({ status: 201, token: expect.stringMatching(tokenShape) });
    else expect(res.statusCode).toBe(422);
  } finally {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    expect(await exited).toEqual([0, null]);
  }
});

it('npm run emulator refuses an unknown flavour, naming it, with exit code 2', () => {
  const run = spawnSync('node', ['dist/emulator/main.js', '--flavour', 'parse'], { cwd: root, encoding: 'utf8' });
  expect(run.status).toBe(2);
  expect(run.stderr).toContain('--flavour must be quickblox or connectycube, got "parse"');
});
