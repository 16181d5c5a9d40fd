import type { CallContext } from 'nice-grpc-common';

/** The metadata key under which grpc/peer-certificate-interceptor.ts passes on the client certificate. */
export const peerCertificateKey = 'x-qb-gateway-peer-certificate';

/** What the TLS handshake proved about the caller's certificate. */
export interface PeerCertificateNames {
  cn?: string;
  uris: string[];
}

/** The client certificate's names, when the call came over mutual TLS. */
export function peerCertificate(context: CallContext): PeerCertificateNames | undefined {
  const value = context.metadata.get(peerCertificateKey);
  if (typeof value !== 'string') return undefined;
  const parsed = JSON.parse(value) as { cn?: unknown; uris?: unknown };
  return {
    cn: typeof parsed.cn === 'string' ? parsed.cn : undefined,
    uris: Array.isArray(parsed.uris) ? parsed.uris.filter((u): u is string => typeof u === 'string') : [],
  };
}
