import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Params } from './params';

/**
 * The string QuickBlox signs (docs/quickblox-rest.md §3.1): every received parameter but
 * `signature`, as `key=value` with raw (decoded) values, sorted as strings,
 * joined with `&`. Written here independently of the gateway's signer on
 * purpose: the emulator checks the gateway, it must not share its mistakes.
 */
export function stringToSign(params: Params): string {
  const pairs: string[] = [];
  for (const [k, v] of params.entries()) if (k !== 'signature') pairs.push(`${k}=${v}`);
  return pairs.sort().join('&');
}

/** Checks `signature`: 40 hex digits as HMAC-SHA1, 64 as HMAC-SHA256, in constant time. */
export function signatureMatches(params: Params, secret: string): boolean {
  const given = (params.get('signature') ?? '').toLowerCase();
  const algorithm = given.length === 64 ? 'sha256' : given.length === 40 ? 'sha1' : undefined;
  if (!algorithm || !/^[0-9a-f]+$/.test(given)) return false;
  const expected = createHmac(algorithm, secret).update(stringToSign(params), 'utf8').digest();
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}
