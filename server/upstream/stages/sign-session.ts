import type { Params } from '../form-encoding';
import type { UpstreamInterceptor } from '../interceptor';

/**
 * Signed requests (`POST /session.json`) carry the subject's parameters; this
 * stage adds the application's id and key, a fresh timestamp and nonce, and
 * the signature, anew on every try.
 */
export function signSession(sign: (subject: Params) => Params): UpstreamInterceptor {
  return (next) => (request) => {
    if (request.credential.kind !== 'signature') return next(request);
    return next({ ...request, call: { ...request.call, form: sign(request.call.form ?? []) } });
  };
}
