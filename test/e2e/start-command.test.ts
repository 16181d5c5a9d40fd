import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = resolve(__dirname, '../..');

// `npm run test:e2e` has just built dist/; the start script is `npm run -s build && node dist/server/cli/main.js`.
const main = resolve(root, 'dist/server/cli/main.js');

it('npm start refuses to run without credentials, naming each missing variable', async () => {
  const failure = await run('node', [main], {
    cwd: root,
    env: { ...process.env, QB_APPLICATION_ID: '', QB_AUTH_KEY: '', QB_AUTH_SECRET: '', QB_SIGNATURE_HASH: 'md5' },
  }).then(
    () => undefined,
    (e: { code: number; stderr: string }) => e,
  );
  expect(failure?.code).toBe(2);
  for (const name of ['QB_APPLICATION_ID', 'QB_AUTH_KEY', 'QB_AUTH_SECRET']) expect(failure?.stderr).toContain(`${name} is required`);
  expect(failure?.stderr).toContain('QB_SIGNATURE_HASH must be sha1 or sha256');
  expect(failure?.stderr).toContain('npm run dev');
});

it('npm start in front of ConnectyCube needs no auth secret, and refuses an API key, naming it', async () => {
  const failure = await run('node', [main], {
    cwd: root,
    env: { ...process.env, QB_UPSTREAM: 'connectycube', QB_APPLICATION_ID: '21', QB_AUTH_KEY: 'key', QB_AUTH_SECRET: '', QB_API_KEY: 'some-key' },
  }).then(
    () => undefined,
    (e: { code: number; stderr: string }) => e,
  );
  expect(failure?.code).toBe(2);
  expect(failure?.stderr).toContain('QB_API_KEY does not apply to QB_UPSTREAM=connectycube');
  expect(failure?.stderr).not.toContain('QB_AUTH_SECRET');
});

it('--help lists every variable with its default', async () => {
  const { stdout } = await run('node', [main, '--help'], { cwd: root });
  expect(stdout).toContain('QB_API_ENDPOINT');
  expect(stdout).toContain('(default https://api.quickblox.com, or https://api.connectycube.com for connectycube)');
  expect(stdout).toContain('QB_UPSTREAM');
  expect(stdout).toContain('QB_REUSE_USER_SESSIONS');
});

it('refuses an unknown command-line flag, naming it, instead of ignoring it', async () => {
  const failure = await run('node', [main, '--port', '1234'], { cwd: root }).then(
    () => undefined,
    (e: { code: number; stderr: string }) => e,
  );
  expect(failure?.code).toBe(2);
  expect(failure?.stderr).toContain("Unknown option '--port'");
  expect(failure?.stderr).toContain('Environment variables:');
});
