import { createHash } from 'node:crypto';

/**
 * Deterministic stand-ins for the outside verifiers (Facebook, Twitter,
 * Firebase, a custom identity provider), documented in emulator/README.md:
 * - a token starting with `invalid` is refused (401), any other accepted;
 * - a social token of the form `<digits>` or `<digits>.<anything>` belongs to
 *   the account with those digits as its id, any other token to the account
 *   whose id is the first 12 hex digits of SHA-256(token) read as a decimal;
 * - a Firebase token that is a JWT with a `phone_number` claim belongs to that
 *   phone; any other token to `+1555` followed by 7 digits of SHA-256(token);
 *   a Firebase email token with an `email` claim to that email, any other to
 *   `<12 hex digits of SHA-256 as a decimal>@firebase.example`.
 */
export function tokenAccepted(token: string | undefined): token is string {
  return token !== undefined && token !== '' && !token.startsWith('invalid');
}

function hashDigits(token: string, hexDigits: number): string {
  return BigInt(`0x${createHash('sha256').update(token).digest('hex').slice(0, hexDigits)}`).toString();
}

/** The provider's account id a social token stands for. */
export function socialAccountId(token: string): string {
  const m = /^(\d{1,18})(?:\..*)?$/.exec(token);
  return m?.[1] ?? hashDigits(token, 12);
}

/** A string claim of a JWT's payload, if the token is one. */
function claim(accessToken: string, name: string): string | undefined {
  const payload = accessToken.split('.')[1];
  if (!payload) return undefined;
  try {
    const value = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>)[name];
    return typeof value === 'string' && value !== '' ? value : undefined;
  } catch {
    return undefined; // not a JWT with a JSON payload: the caller falls back to the hash
  }
}

/** The phone number a Firebase phone ID token stands for. */
export function firebasePhoneNumber(accessToken: string): string {
  return claim(accessToken, 'phone_number') ?? `+1555${hashDigits(accessToken, 12).slice(-7).padStart(7, '0')}`;
}

/** The email a Firebase email (or Google) ID token stands for: its `email` claim, else `<hash>@firebase.example`. */
export function firebaseEmail(accessToken: string): string {
  return claim(accessToken, 'email') ?? `${hashDigits(accessToken, 12)}@firebase.example`;
}
