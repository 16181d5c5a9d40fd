import type { UpstreamInterceptor } from '../interceptor';

/** The caller's token goes in `QB-Token`; the account owner's authority is the server API key. */
export function authenticate(apiKey: string | undefined): UpstreamInterceptor {
  return (next) => (request) => {
    const { credential } = request;
    if (credential.kind === 'token') return next({ ...request, headers: { ...request.headers, 'qb-token': credential.token } });
    if (credential.kind !== 'apiKey') return next(request);
    // The token policy asks for the API key only when one is configured; reaching here without one is a bug.
    if (!apiKey) return Promise.reject(new Error('no API key is configured'));
    return next({ ...request, headers: { ...request.headers, authorization: `ApiKey ${apiKey}` } });
  };
}
