import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { root, startDevGateway } from './dev-gateway';

/** The client package's example, run exactly as its header says, against `npm run dev`. */
it('node dist/clients/examples/internal-service.js signs up, logs in, finds and updates a user through the gateway', async () => {
  const gateway = await startDevGateway();
  try {
    const child = spawn('node', ['dist/clients/examples/internal-service.js'], {
      cwd: root,
      env: { ...process.env, GATEWAY_ADDRESS: gateway.target },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const [code] = await once(child, 'exit');
    expect({ code, out }).toEqual({ code: 0, out: expect.stringContaining('profile updated: Example Service') });
  } finally {
    await gateway.stop();
  }
});
