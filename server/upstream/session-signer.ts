import type { SignatureAlgorithm } from '../config/gateway-config';
import type { Params } from './form-encoding';
import { sign } from './signing';

export interface SessionSignerOptions {
  applicationId: number;
  authKey: string;
  /** Without one, session requests carry the application's id and key only (ConnectyCube). */
  authSecret?: string;
  algorithm: SignatureAlgorithm;
  /** The upstream's current time in ms (local time corrected by the learnt offset). */
  upstreamNow: () => number;
  /** A fresh (timestamp, nonce) pair for a timestamp in seconds. */
  nextNonce: (timestampSeconds: number) => { timestamp: number; nonce: number };
}

/**
 * Completes the parameters of a `POST /session.json` (docs/quickblox-rest.md §3): the
 * application's id and key, a timestamp on the upstream's clock, a nonce that
 * never repeats for that timestamp, and the signature over all of them.
 */
export function createSessionSigner(options: SessionSignerOptions): (subject: Params) => Params {
  const applicationId = String(options.applicationId);
  const { authSecret } = options;
  if (authSecret === undefined) return (subject) => [['application_id', applicationId], ['auth_key', options.authKey], ...subject];
  return (subject) => {
    const { timestamp, nonce } = options.nextNonce(Math.floor(options.upstreamNow() / 1000));
    const params: (readonly [string, string])[] = [
      ['application_id', applicationId],
      ['auth_key', options.authKey],
      ['nonce', String(nonce)],
      ['timestamp', String(timestamp)],
      ...subject,
    ];
    params.push(['signature', sign(Object.fromEntries(params), authSecret, options.algorithm)]);
    return params;
  };
}
