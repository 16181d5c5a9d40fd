import { createHmac } from 'node:crypto';
import type { SignatureAlgorithm } from '../config/gateway-config';

/**
 * Session-create parameters, flat: nested groups already written as Rails
 * bracket keys (`user[login]`), values as the text that goes on the wire
 * before encoding.
 */
export type FlatParams = Readonly<Record<string, string>>;

/**
 * The string QuickBlox signs (docs/quickblox-rest.md §3.1): every parameter but
 * `signature` as `key=value` with raw values, sorted as strings, joined by `&`.
 */
export function stringToSign(params: FlatParams): string {
  const pairs: string[] = [];
  for (const key of Object.keys(params)) if (key !== 'signature') pairs.push(`${key}=${params[key]}`);
  return pairs.sort().join('&');
}

/** The lowercase hex HMAC of the parameters under the application's auth secret. */
export function sign(params: FlatParams, authSecret: string, algorithm: SignatureAlgorithm = 'sha1'): string {
  return createHmac(algorithm, authSecret).update(stringToSign(params), 'utf8').digest('hex');
}
