import type { ClientMiddleware } from 'nice-grpc';
import { Metadata } from 'nice-grpc';

/** The metadata key a call names the gateway's application with (README, "Several applications"). */
export const applicationMetadataKey = 'qb-application';

/** A call option: the application of the gateway the call is for; unset: the client's default, else the gateway's. */
export type ApplicationOptions = { application?: string };

/** Sends the call's `application`, or else the client's default, as `qb-application`. */
export function applicationMiddleware(defaultApplication: string | undefined): ClientMiddleware<ApplicationOptions> {
  return async function* nameApplication(call, options) {
    const { application = defaultApplication, ...rest } = options;
    if (application === undefined) return yield* call.next(call.request, rest);
    const metadata = Metadata(rest.metadata);
    metadata.set(applicationMetadataKey, application);
    return yield* call.next(call.request, { ...rest, metadata });
  };
}
