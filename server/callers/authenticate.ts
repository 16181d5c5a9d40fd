import { createHash, timingSafeEqual } from 'node:crypto';
import { createLocalJWKSet, createRemoteJWKSet, type JWTVerifyGetKey, errors as joseErrors, jwtVerify } from 'jose';
import type { CallContext } from 'nice-grpc-common';
import type { CallerGrant, CallerPolicy, PolicyCaller } from '../config/caller-policy';
import { peerCertificate } from './peer-certificate';

/** Who a call comes from, once its credentials are checked. */
export interface AuthenticatedCaller extends CallerGrant {
  /** The policy's name for the caller, or `anonymous`. */
  name: string;
  /** False for `anonymous`. */
  authenticated: boolean;
}

/** Credentials that were presented but not accepted: UNAUTHENTICATED, with why. */
export class CallerRejected extends Error {
  override readonly name = 'CallerRejected';
}

/** Turns a call's credentials into a caller, or rejects them. */
export type Authenticate = (context: CallContext) => Promise<AuthenticatedCaller>;

const jwtShape = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const sha256 = (text: string) => createHash('sha256').update(text).digest();

/**
 * Caller authentication by the policy (docs/caller-policy.md): an
 * `authorization: Bearer` key (compared by its SHA-256, in constant time) or
 * JWT (verified against the JWKS: signature, issuer, audience, expiry with the
 * clock tolerance), else a client certificate's common name or URI name,
 * else `anonymous`. A credential that is presented but unknown, malformed,
 * expired or forged is rejected, never taken for anonymous.
 */
export function createAuthenticator(policy: CallerPolicy): Authenticate {
  const anonymous: AuthenticatedCaller = { name: 'anonymous', authenticated: false, ...policy.anonymous };
  const known = (caller: PolicyCaller): AuthenticatedCaller => ({ ...caller, authenticated: true });
  const bearers = policy.callers.flatMap((c) => (c.identity.kind === 'bearer' ? [{ digest: Buffer.from(c.identity.keySha256, 'hex'), caller: c }] : []));
  const byIdentity = (match: (identity: PolicyCaller['identity']) => boolean) => policy.callers.find((c) => match(c.identity));
  const verifyJwt = policy.jwt && jwtVerifier(policy.jwt);

  async function bearer(credential: string): Promise<AuthenticatedCaller> {
    if (verifyJwt && jwtShape.test(credential)) {
      const subject = await verifyJwt(credential);
      const caller = byIdentity((id) => id.kind === 'jwt' && id.subject === subject);
      if (!caller) throw new CallerRejected(`the JWT's subject "${subject}" is not a caller of the policy`);
      return known(caller);
    }
    const digest = sha256(credential);
    const match = bearers.find((b) => timingSafeEqual(b.digest, digest));
    if (!match) throw new CallerRejected('the bearer key is not one of the policy');
    return known(match.caller);
  }

  return async (context) => {
    const authorization = context.metadata.get('authorization');
    if (typeof authorization === 'string' && authorization !== '') {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (!m?.[1]) throw new CallerRejected('the authorization metadata must be "Bearer <key or JWT>"');
      return bearer(m[1]);
    }
    const cert = peerCertificate(context);
    if (cert) {
      const caller = byIdentity(
        (id) => (id.kind === 'certificate-cn' && id.commonName === cert.cn) || (id.kind === 'certificate-uri' && cert.uris.includes(id.uri)),
      );
      if (!caller) throw new CallerRejected(`the client certificate (CN ${JSON.stringify(cert.cn ?? '')}) is not a caller of the policy`);
      return known(caller);
    }
    return anonymous;
  };
}

/** Verifies a JWT against the policy's JWKS and returns its subject; remote keys are cached and refreshed by jose. */
function jwtVerifier(settings: NonNullable<CallerPolicy['jwt']>): (token: string) => Promise<string> {
  const keys: JWTVerifyGetKey =
    'url' in settings.jwks
      ? createRemoteJWKSet(new URL(settings.jwks.url), { cacheMaxAge: 10 * 60_000, cooldownDuration: 30_000, timeoutDuration: 5_000 })
      : createLocalJWKSet(settings.jwks.keys as Parameters<typeof createLocalJWKSet>[0]);
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: settings.issuer,
        audience: settings.audience,
        clockTolerance: settings.clockToleranceSeconds,
        requiredClaims: ['exp', 'sub'],
      });
      return payload.sub as string;
    } catch (e) {
      throw new CallerRejected(`the JWT was not accepted: ${jwtProblem(e)}`, { cause: e });
    }
  };
}

function jwtProblem(e: unknown): string {
  if (e instanceof joseErrors.JWTExpired) return 'it has expired';
  if (e instanceof joseErrors.JWTClaimValidationFailed) return `its ${e.claim} claim is not the one the policy expects`;
  if (e instanceof joseErrors.JWKSNoMatchingKey) return 'no key of the JWKS matches it';
  if (e instanceof joseErrors.JWSSignatureVerificationFailed) return 'its signature does not verify';
  if (e instanceof joseErrors.JWKSTimeout || (e as { code?: string }).code === 'ERR_JOSE_GENERIC') return 'the JWKS could not be fetched';
  return e instanceof Error ? e.message : 'it is malformed';
}
