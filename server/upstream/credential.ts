/**
 * Which authority an upstream request carries. The token policy
 * (services/token-policy.ts) decides it per RPC; the pipeline turns it into
 * headers or a signature.
 */
export type Credential =
  /** A session token the caller supplied (`qb-token`). */
  | { kind: 'token'; token: string }
  /** The gateway's own application session. */
  | { kind: 'application' }
  /** The server API key: the account owner, who may read and change any user. */
  | { kind: 'apiKey' }
  /** No token: the application's own id and key, signed where the upstream wants it (`POST /session.json`). */
  | { kind: 'signature' }
  /** No session at all: the application's key in the upstream's sign-up header (ConnectyCube's `CB-AuthKey`). */
  | { kind: 'signUpKey' };
