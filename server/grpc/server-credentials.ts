import { ServerCredentials } from '@grpc/grpc-js';
import type { GrpcTls } from '../config/gateway-config';

/** Plaintext, TLS, or mutual TLS when a client CA is configured. */
export function serverCredentials(tls: GrpcTls | undefined): ServerCredentials {
  if (!tls) return ServerCredentials.createInsecure();
  const { cert, key, clientCa } = tls;
  return ServerCredentials.createSsl(
    clientCa ? Buffer.from(clientCa) : null,
    [{ cert_chain: Buffer.from(cert), private_key: Buffer.from(key) }],
    Boolean(clientCa),
  );
}
