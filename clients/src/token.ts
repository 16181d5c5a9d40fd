import { type CallOptions, type ClientMiddleware, Metadata } from 'nice-grpc-common';

/** The metadata key the gateway reads the caller's QuickBlox session token from. */
export const tokenMetadataKey = 'qb-token';

/** A call option: the QuickBlox session token to send as `qb-token`. */
export type TokenOptions = { token?: string };

/** Call options that send `token` as the caller's QuickBlox session token. */
export function withToken(token: string, options: CallOptions = {}): CallOptions {
  const metadata = Metadata(options.metadata);
  metadata.set(tokenMetadataKey, token);
  return { ...options, metadata };
}

/** Moves the `token` call option into the `qb-token` metadata. */
export const tokenMiddleware: ClientMiddleware<TokenOptions> = async function* attachToken(call, options) {
  const { token, ...rest } = options;
  if (token === undefined) return yield* call.next(call.request, rest);
  return yield* call.next(call.request, withToken(token, rest));
};
