import type { UpstreamInterceptor } from '../interceptor';

export interface Authorities {
  /** The header a session token travels in (`qb-token`, `cb-token`). */
  tokenHeader: string;
  /** The server API key: the account owner's authority (QuickBlox). */
  apiKey?: string;
  /** The header and value that let sign-up go without a session (ConnectyCube's `CB-AuthKey`). */
  signUpKey?: { header: string; value: string };
}

/** The caller's token goes in the upstream's token header; the account owner's authority is the server API key. */
export function authenticate({ tokenHeader, apiKey, signUpKey }: Authorities): UpstreamInterceptor {
  return (next) => (request) => {
    const { credential } = request;
    if (credential.kind === 'token') return next({ ...request, headers: { ...request.headers, [tokenHeader]: credential.token } });
    if (credential.kind === 'signUpKey') {
      // The token policy asks for it only where the upstream has one.
      if (!signUpKey) return Promise.reject(new Error('the upstream has no sign-up key'));
      return next({ ...request, headers: { ...request.headers, [signUpKey.header]: signUpKey.value } });
    }
    if (credential.kind !== 'apiKey') return next(request);
    // The token policy asks for the API key only when one is configured; reaching here without one is a bug.
    if (!apiKey) return Promise.reject(new Error('no API key is configured'));
    return next({ ...request, headers: { ...request.headers, authorization: `ApiKey ${apiKey}` } });
  };
}
