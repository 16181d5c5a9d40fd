import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { loadConfig } from '../../server/config/load-config';
import { startGateway } from '../../server/grpc/gateway-server';
import { createLogger } from '../../server/logging/logger';
import { app } from './harness';

/** A port another process holds. */
async function taken(): Promise<{ port: number; server: Server }> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as { port: number }).port, server };
}

const configWith = (env: NodeJS.ProcessEnv) =>
  loadConfig({
    QB_APPLICATION_ID: String(app.id),
    QB_AUTH_KEY: app.authKey,
    QB_AUTH_SECRET: app.authSecret,
    QB_API_ENDPOINT: 'http://127.0.0.1:9',
    GRPC_HOST: '127.0.0.1',
    GRPC_PORT: '0',
    METRICS_PORT: '0',
    ...env,
  });

describe.each(['GRPC_PORT', 'METRICS_PORT'])('a %s another process holds', (variable) => {
  it('stops the start with a message naming the variable and what to do, before anything connects', async () => {
    const busy = await taken();
    try {
      const start = startGateway(configWith({ [variable]: String(busy.port) }), { logger: createLogger('silent'), prewarm: false });
      await expect(start).rejects.toThrow(
        `${variable}=${busy.port}: 127.0.0.1:${busy.port} is already in use by another process; stop it or set ${variable} to a free port (0: the system picks one)`,
      );
      // Nothing was left open: the same process starts a gateway on free ports at once.
      const gateway = await startGateway(configWith({}), { logger: createLogger('silent'), prewarm: false });
      await gateway.shutdown(0);
    } finally {
      busy.server.close();
    }
  });
});
