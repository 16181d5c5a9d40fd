import { isIP } from 'node:net';
import { ChannelCredentials } from 'nice-grpc';

/** How to reach the gateway: plaintext, TLS, or mutual TLS (PEM text or buffers). */
export type GatewayCredentials = 'insecure' | { tls: { ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer } } | ChannelCredentials;

/** grpc-js channel credentials for the choice, and a stable key for reusing channels. */
export function channelCredentials(credentials: GatewayCredentials | undefined): { credentials: ChannelCredentials; key: string } {
  if (credentials === undefined || credentials === 'insecure') return { credentials: ChannelCredentials.createInsecure(), key: 'insecure' };
  if (credentials instanceof ChannelCredentials) return { credentials, key: `custom:${objectId(credentials)}` };
  const { ca, cert, key } = credentials.tls;
  if ((cert === undefined) !== (key === undefined)) throw new TypeError('mutual TLS needs both tls.cert and tls.key');
  const buffer = (v: string | Buffer | undefined) => (v === undefined ? null : Buffer.from(v));
  return {
    credentials: new IpSafeTlsCredentials(ChannelCredentials.createSsl(buffer(ca), buffer(key), buffer(cert))),
    key: `tls:${[ca, cert, key].map((v) => (v === undefined ? '' : Buffer.from(v).toString('base64'))).join(':')}`,
  };
}

const ids = new WeakMap<object, number>();
let nextId = 0;
function objectId(o: object): number {
  let id = ids.get(o);
  if (id === undefined) {
    id = ++nextId;
    ids.set(o, id);
  }
  return id;
}

type Connector = ReturnType<ChannelCredentials['_createSecureConnector']> & { connectionOptions?: { servername?: string } };

/**
 * TLS credentials that send no server name (SNI) for a target given as an
 * IP address. grpc-js sends the target's host as the server name, an IP
 * address too; RFC 6066 allows only host names, Node 20 warns (DEP0123) and
 * Node 26 refuses the connection. Without it Node checks the certificate
 * against the host, the IP address, as before.
 */
class IpSafeTlsCredentials extends ChannelCredentials {
  constructor(private readonly inner: ChannelCredentials) {
    super();
  }
  _isSecure(): boolean {
    return this.inner._isSecure();
  }
  _equals(other: ChannelCredentials): boolean {
    return other === this || (other instanceof IpSafeTlsCredentials && this.inner._equals(other.inner));
  }
  _createSecureConnector(...args: Parameters<ChannelCredentials['_createSecureConnector']>): Connector {
    const connector: Connector = this.inner._createSecureConnector(...args);
    const options = connector.connectionOptions;
    if (options?.servername !== undefined && isIP(options.servername)) delete options.servername;
    return connector;
  }
}
