/**
 * Who may call the gateway and what each caller may do, read from
 * GATEWAY_POLICY_FILE (docs/caller-policy.md). Without a file every call is
 * `anonymous`, may call every method, and holds no owner powers.
 */
export interface CallerPolicy {
  /** The file it was read from, for messages. */
  file: string;
  callers: readonly PolicyCaller[];
  /** What a call without credentials may do. */
  anonymous: CallerGrant;
  jwt?: JwtSettings;
}

/** What a caller is allowed. */
export interface CallerGrant {
  /** Method patterns: `*`, `quickblox.v1.UserService/*`, `quickblox.v1.UserService/GetUser`. */
  methods: readonly string[];
  /**
   * May use the API key as the account owner: CreateUserToken, UpdateUser and
   * DeleteUser without the user's token; `true` in every application it may
   * call, or only in the applications named.
   */
  ownerPowers: boolean | readonly string[];
  /** The applications it may call (the `qb-application` metadata); unset: every one. */
  applications?: readonly string[];
  /** Calls per second at most; unset: no quota. */
  callsPerSecond?: number;
}

/** How a caller proves who it is: exactly one of these. */
export type CallerIdentity =
  /** `authorization: Bearer <key>`; the file holds only the key's SHA-256, in hex. */
  | { kind: 'bearer'; keySha256: string }
  /** A client certificate (mutual TLS) with this subject common name. */
  | { kind: 'certificate-cn'; commonName: string }
  /** A client certificate with this URI subject alternative name (a SPIFFE id, say). */
  | { kind: 'certificate-uri'; uri: string }
  /** `authorization: Bearer <JWT>` that verifies against the policy's JWKS, with this `sub`. */
  | { kind: 'jwt'; subject: string };

export interface PolicyCaller extends CallerGrant {
  name: string;
  identity: CallerIdentity;
}

export interface JwtSettings {
  issuer: string;
  audience: string;
  /** A JWKS document on disk (read at start) or at a URL (fetched, cached and refreshed). */
  jwks: { file: string; keys: unknown } | { url: string };
  clockToleranceSeconds: number;
}
