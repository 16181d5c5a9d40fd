import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { root } from './dev-gateway';

const run = promisify(execFile);

/**
 * The client package as another team gets it: `npm pack` in clients/, the
 * tarball installed into an empty project, a three-line consumer type-checked
 * there with the project's TypeScript, and loaded by Node.
 */
it('npm pack produces a tarball that installs into an empty project and type-checks a three-line consumer', async () => {
  const out = mkdtempSync(join(tmpdir(), 'qb-client-pack-'));
  await run('npm', ['pack', '--pack-destination', out], { cwd: join(root, 'clients') });
  const tarball = readdirSync(out).find((f) => f.endsWith('.tgz'))!;
  expect(tarball).toMatch(/^qb-grpc-gateway-client-\d+\.\d+\.\d+\.tgz$/);
  const { stdout: listing } = await run('tar', ['-tzf', join(out, tarball)]);
  expect(listing).toContain('package/dist/clients/src/index.d.ts');
  expect(listing).not.toMatch(/package\/(dist\/)?server\//);

  const project = join(out, 'consumer');
  await run('mkdir', ['-p', project]);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'commonjs' }));
  await run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', join(out, tarball)], { cwd: project });
  writeFileSync(
    join(project, 'consumer.ts'),
    [
      "import { createGatewayClient } from '@qb-grpc-gateway/client';",
      "const client = createGatewayClient({ address: '127.0.0.1:50051' });",
      'export const user: Promise<{ user?: { login?: string } }> = client.users.getUser({ id: 1n });',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, skipLibCheck: true, types: [], noEmit: true },
      files: ['consumer.ts'],
    }),
  );
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  await expect(run('node', [tsc, '-p', project])).resolves.toBeDefined();
  // A type error in the consumer is caught: the types are real, not `any`.
  writeFileSync(join(project, 'consumer.ts'), "import { createGatewayClient } from '@qb-grpc-gateway/client';\ncreateGatewayClient({ address: 42 });\n");
  await expect(run('node', [tsc, '-p', project])).rejects.toMatchObject({ stdout: expect.stringContaining('TS2322') });

  const { stdout } = await run(
    'node',
    ['-e', "const c = require('@qb-grpc-gateway/client'); console.log(typeof c.createGatewayClient, typeof c.GatewayError, typeof c.UserSession)"],
    { cwd: project },
  );
  expect(stdout.trim()).toBe('function function function');
}, 180_000);
