import { type CallOptions, type Client, type ClientMiddleware, createClientFactory, Metadata, Status } from 'nice-grpc';
import { type DeadlineOptions, deadlineMiddleware } from 'nice-grpc-client-middleware-deadline';
import { type RetryOptions, retryMiddleware } from 'nice-grpc-client-middleware-retry';
import { SessionServiceDefinition, UserServiceDefinition } from '../../gen/index.quickblox.v1';
import { type ApplicationOptions, applicationMiddleware } from './application';
import { channelCredentials, type GatewayCredentials } from './channel-credentials';
import { acquireChannel } from './channel-pool';
import { errorMiddleware } from './error-middleware';
import { type TokenOptions, tokenMiddleware } from './token';

/** Retries of calls the contract marks free of side effects (reads), on UNAVAILABLE, with jittered exponential backoff. */
export interface RetrySettings {
  /** Retries after the first attempt (default 3). */
  maxAttempts?: number;
  /** First backoff; each retry doubles it, with jitter (default 100 ms). */
  baseDelayMs?: number;
  /** Longest backoff (default 2000 ms). */
  maxDelayMs?: number;
}

export interface GatewayClientOptions {
  /** `host:port` of the gateway. */
  address: string;
  /** Default `'insecure'`; `{ tls: { ca } }` for TLS, `{ tls: { ca, cert, key } }` for mutual TLS. */
  credentials?: GatewayCredentials;
  /** The deadline of every call that sets none (default 10 s). Retries happen within it. */
  defaultDeadlineMs?: number;
  /** Retry settings, or `false` for none. */
  retry?: RetrySettings | false;
  /** Metadata sent with every call, e.g. `{ authorization: 'Bearer …' }` for the gateway's own caller authentication. */
  metadata?: Record<string, string>;
  /** grpc-js channel options, e.g. keepalive settings. */
  channelOptions?: Record<string, unknown>;
  /** The gateway's application every call is for (`qb-application`) unless it names another; unset: the gateway's default. */
  application?: string;
}

/** Per-call options: `deadline` (a Date, or ms from now), `token` (sent as `qb-token`), `application` (sent as `qb-application`), `signal`, `metadata`, `retry`. */
export type GatewayCallOptions = CallOptions & DeadlineOptions & RetryOptions & TokenOptions & ApplicationOptions;

export interface GatewayClient {
  sessions: Client<typeof SessionServiceDefinition, GatewayCallOptions>;
  users: Client<typeof UserServiceDefinition, GatewayCallOptions>;
  /** Releases the channel; it closes when no other client shares it. */
  close(): void;
}

/**
 * Typed clients for the gateway's SessionService and UserService on one shared
 * channel, with the right behaviour built in: a default deadline on every
 * call, retries only of reads and only on UNAVAILABLE (bounded by the
 * deadline), the caller's QuickBlox token as a call option, and every failure
 * as a GatewayError with its decoded details.
 */
export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
  const { credentials, key } = channelCredentials(options.credentials);
  const { channel, release } = acquireChannel(options.address, credentials, key, options.channelOptions);
  const retry = options.retry === false ? undefined : (options.retry ?? {});

  // First attached runs last: decoding sits next to the call (it needs the trailer), the deadline outside the
  // retries, and the outermost step turns the deadline's own error into a GatewayError too.
  const factory = createClientFactory()
    .use(errorMiddleware)
    .use(tokenMiddleware)
    .use(applicationMiddleware(options.application))
    .use(fixedMetadata(options.metadata ?? {}))
    .use(retryMiddleware)
    .use(deadlineMiddleware)
    .use(errorMiddleware);
  const defaults: GatewayCallOptions = {
    deadline: options.defaultDeadlineMs ?? 10_000,
    ...(retry
      ? {
          retryMaxAttempts: retry.maxAttempts ?? 3,
          retryBaseDelayMs: retry.baseDelayMs ?? 100,
          retryMaxDelayMs: retry.maxDelayMs ?? 2000,
          retryableStatuses: [Status.UNAVAILABLE],
        }
      : { retry: false }),
  };
  return {
    sessions: factory.create(SessionServiceDefinition, channel, { '*': defaults }),
    users: factory.create(UserServiceDefinition, channel, { '*': defaults }),
    close: release,
  };
}

function fixedMetadata(fixed: Record<string, string>): ClientMiddleware {
  const entries = Object.entries(fixed);
  return async function* addMetadata(call, options) {
    if (entries.length === 0) return yield* call.next(call.request, options);
    const metadata = Metadata(options.metadata);
    for (const [k, v] of entries) if (!metadata.has(k)) metadata.set(k, v);
    return yield* call.next(call.request, { ...options, metadata });
  };
}
