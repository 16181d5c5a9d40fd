import type { PeerCertificate } from 'node:tls';
import { ServerInterceptingCall, type ServerInterceptor, ServerListenerBuilder } from '@grpc/grpc-js';
import { peerCertificateKey } from '../callers/peer-certificate';

/** The URIs among a certificate's subject alternative names (`URI:spiffe://…`). */
function uriNames(altNames: string | undefined): string[] {
  return (altNames ?? '')
    .split(/,\s*/)
    .filter((name) => name.startsWith('URI:'))
    .map((name) => name.slice(4));
}

/**
 * nice-grpc hands middleware no TLS details, so this grpc-js interceptor
 * passes the client certificate's common name and URI names on as call
 * metadata under a key of its own. Whatever a caller sent under that key is
 * removed first: only the TLS handshake can set it.
 */
export const peerCertificateInterceptor: ServerInterceptor = (_method, call) =>
  new ServerInterceptingCall(call, {
    start(next) {
      next(
        new ServerListenerBuilder()
          .withOnReceiveMetadata((metadata, done) => {
            metadata.remove(peerCertificateKey);
            const cert: PeerCertificate | undefined = call.getAuthContext().sslPeerCertificate;
            if (cert?.subject) {
              const cn = Array.isArray(cert.subject.CN) ? cert.subject.CN[0] : cert.subject.CN;
              metadata.set(peerCertificateKey, JSON.stringify({ cn, uris: uriNames(cert.subjectaltname) }));
            }
            done(metadata);
          })
          .build(),
      );
    },
  });
