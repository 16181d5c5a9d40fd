import { createHash } from 'node:crypto';

/**
 * Deterministic stand-ins for the outside verifiers (Facebook, Twitter,
 * Firebase, a custom identity provider), documented in emulator/README.md:
 * - a token starting with `invalid` is refused (401), any other accepted;
 * - a social token of the form `<digits>` or `<digits>.<anything>` belongs to
 *   the account with those digits as its id, any other token to the account
 *   whose id is the first 12 hex digits of SHA-256(token) read as a decimal;
 * - a Firebase token that is a JWT with a `phone_number` claim belongs to that
 *   phone; any other token to `+1555` followed by 7 digits of SHA-256(token).
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

/** The phone number a Firebase phone ID token stands for. */
export function firebasePhoneNumber(accessToken: string): string {
  const payload = accessToken.split('.')[1];
  if (payload) {
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { phone_number?: unknown };
      if (typeof claims.phone_number === 'string' && claims.phone_number !== '') return claims.phone_number;
    } catch {
      // not a JWT with a JSON payload: fall back to the hash
    }
  }
  return `+1555${hashDigits(accessToken, 12).slice(-7).padStart(7, '0')}`;
}
