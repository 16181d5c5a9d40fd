import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGatewayClient, GatewayError, Status } from '../../clients/src';
import { startStack } from '../gateway/harness';
import { selfSignedCertificate } from '../support/certificates';

/** A self-signed certificate for localhost and 127.0.0.1, usable as its own CA, for a server or a client. */
const certificate = (use: 'serverAuth' | 'clientAuth') =>
  selfSignedCertificate(use === 'serverAuth' ? 'localhost' : 'internal-service', use, [
    { type: 2, value: 'localhost' },
    { type: 7, ip: '127.0.0.1' },
  ]);

function files(pems: Record<string, string>): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'qb-gateway-tls-'));
  return Object.fromEntries(
    Object.entries(pems).map(([name, text]) => {
      writeFileSync(join(dir, name), text);
      return [name, join(dir, name)];
    }),
  );
}

it('reaches a gateway serving TLS, and one requiring client certificates (mutual TLS)', async () => {
  const server = await certificate('serverAuth');
  const client = await certificate('clientAuth');
  const paths = files({ 'server.pem': server.cert, 'server.key': server.key, 'client-ca.pem': client.cert });
  // The transport alone: no caller policy, so a certificate names no caller here (test/gateway/callers.test.ts does that).
  const tls = await startStack({ policy: false, env: { GRPC_TLS_CERT_FILE: paths['server.pem'], GRPC_TLS_KEY_FILE: paths['server.key'] } });
  const mutual = await startStack({
    policy: false,
    env: { GRPC_TLS_CERT_FILE: paths['server.pem'], GRPC_TLS_KEY_FILE: paths['server.key'], GRPC_TLS_CLIENT_CA_FILE: paths['client-ca.pem'] },
  });
  try {
    const overTls = createGatewayClient({ address: `127.0.0.1:${tls.gateway.port}`, credentials: { tls: { ca: server.cert } } });
    expect((await overTls.users.getUser({ id: tls.idOf('alice') })).user!.login).toBe('alice');
    overTls.close();

    const withCert = createGatewayClient({
      address: `127.0.0.1:${mutual.gateway.port}`,
      credentials: { tls: { ca: server.cert, cert: client.cert, key: client.key } },
    });
    expect((await withCert.users.getUser({ id: mutual.idOf('bob') })).user!.login).toBe('bob');
    withCert.close();

    const withoutCert = createGatewayClient({
      address: `127.0.0.1:${mutual.gateway.port}`,
      credentials: { tls: { ca: server.cert } },
      retry: false,
      defaultDeadlineMs: 3000,
    });
    const error = await withoutCert.users.getUser({ id: mutual.idOf('bob') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe(Status.UNAVAILABLE);
    withoutCert.close();

    const plaintext = createGatewayClient({ address: `127.0.0.1:${tls.gateway.port}`, retry: false, defaultDeadlineMs: 3000 });
    expect(await plaintext.users.getUser({ id: 1n }).catch((e: GatewayError) => e.code)).toBe(Status.UNAVAILABLE);
    plaintext.close();
    expect(() => createGatewayClient({ address: '127.0.0.1:1', credentials: { tls: { cert: client.cert } } })).toThrow('mutual TLS needs both');
  } finally {
    await Promise.all([tls.close(), mutual.close()]);
  }
});
