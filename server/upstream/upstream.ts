import type { OwnerReads, UpstreamConfig } from '../config/gateway-config';
import type { Readiness } from '../readiness';
import type { SharedStore } from '../store/shared-store';
import { tracingStarted } from '../tracing/tracing';
import { type ApplicationSession, type AppSessionCache, createAppSessionCache } from './app-session';
import { sleep } from './backoff';
import type { Credential } from './credential';
import type { Flavour } from './flavour';
import type { Params } from './form-encoding';
import { createHttpClient } from './http-client';
import type { CallScope, UpstreamResponse } from './interceptor';
import { createNonceSource } from './nonce-source';
import { createPipeline } from './pipeline';
import { createRateLimiter, type RateLimiter } from './rate-limiter';
import type { RouteTable, UpstreamCall } from './route';
import { createSessionSigner } from './session-signer';
import { shareApplicationSession } from './shared-app-session';
import { sharedRateLimiter } from './shared-budget';
import { createUpstreamClock, type UpstreamClock } from './upstream-clock';
import { UpstreamError } from './upstream-error';
import { noObserver, type UpstreamObserver } from './upstream-observer';

export interface Upstream {
  /** Sends a request with the credential's authority; resolves with a success, rejects with an UpstreamError otherwise. */
  send(call: UpstreamCall, credential: Credential, scope: CallScope): Promise<UpstreamResponse>;
  /** Creates a session (`POST /session.json`), signed where it must be, for the subject's parameters (none: an application session). */
  createSession(subject: Params, scope: CallScope): Promise<UpstreamResponse>;
  /** Which upstream, and what differs about it. */
  readonly flavour: Flavour;
  /** The upstream's REST routes. */
  readonly routes: RouteTable;
  readonly applicationSession: AppSessionCache;
  readonly clock: UpstreamClock;
  readonly hasApiKey: boolean;
  /** When reads of a caller with owner powers use the API key (UpstreamConfig). */
  readonly ownerReads: OwnerReads;
  /** Closes the connection pool once its requests end; `force`: aborts them first. */
  close(force?: boolean): Promise<void>;
}

export interface UpstreamOptions {
  config: UpstreamConfig;
  /** Which upstream it is (server/flavours/flavours.ts). */
  flavour: Flavour;
  /** Shared by the replicas: the budget then holds across all of them. */
  store?: SharedStore;
  /** This replica's nonce tag (from the store); unset: a random one. */
  nonceTag?: number;
  readiness?: Readiness;
  /** Local clock (tests). */
  now?: () => number;
  observer?: UpstreamObserver;
}

/** A session's life when the upstream does not say (two hours, sliding), less a minute of margin. */
const assumedSessionLifetimeMs = 2 * 60 * 60_000 - 60_000;

/** The account's budget: shared through the store when there is one, else this replica's own. */
function budget(limit: NonNullable<UpstreamConfig['rateLimit']>, store: SharedStore | undefined, now: () => number, observer: UpstreamObserver): RateLimiter {
  if (!store) return createRateLimiter({ ...limit, now });
  const local = (perSecond: number, fullAt: number) => createRateLimiter({ ...limit, perSecond, fullAt, now });
  return sharedRateLimiter(store, { ...limit, sleep, onReplicas: observer.replicasSeen }, local);
}

/** The REST API as the gateway uses it: the parts the pipeline needs, built once, and the pipeline over them. */
export function createUpstream(options: UpstreamOptions): Upstream {
  const { config, flavour } = options;
  const now = options.now ?? Date.now;
  const observer = options.observer ?? noObserver;
  const http = createHttpClient({ ...config, encodeBody: flavour.encodeBody });
  const clock = createUpstreamClock(now);
  const { routes } = flavour;
  const signer = createSessionSigner({
    applicationId: config.applicationId,
    authKey: config.authKey,
    authSecret: config.authSecret,
    algorithm: config.signatureAlgorithm,
    upstreamNow: clock.now,
    nextNonce: createNonceSource(options.nonceTag),
  });
  const createSession = (subject: Params, scope: CallScope) => send({ ...routes.createSession, form: subject }, { kind: 'signature' }, scope);
  async function createApplicationSession(): Promise<ApplicationSession> {
    const res = await createSession([], { upstreamRequests: 0 });
    const token = (res.body as { session?: { token?: unknown } } | undefined)?.session?.token;
    if (typeof token !== 'string' || !token) throw new UpstreamError('status', routes.createSession.route, res.status, res.body, { wording: flavour.wording });
    return { token, expiresAt: res.expiresAt ?? now() + assumedSessionLifetimeMs };
  }
  const shared =
    options.store &&
    shareApplicationSession(options.store, {
      create: createApplicationSession,
      onShared() {
        observer.applicationToken('shared');
        // A session another replica created serves this one's calls as well as its own would: ready.
        options.readiness?.upstreamAccepted();
      },
    });
  const applicationSession = createAppSessionCache({
    now,
    observe: (event) => observer.applicationToken(event),
    create: shared?.create ?? createApplicationSession,
    extended: shared?.extend,
    forgotten: shared?.forget,
  });
  const pipeline = createPipeline({
    transport: http.send,
    origin: new URL(config.endpoint),
    authorities: {
      tokenHeader: flavour.tokenHeader,
      apiKey: config.apiKey,
      signUpKey: flavour.signUpKeyHeader === undefined ? undefined : { header: flavour.signUpKeyHeader, value: config.authKey },
    },
    expiry: { header: flavour.expiryHeader, assumedLifetimeMs: flavour.assumedLifetimeMs, now },
    wording: flavour.wording,
    applicationSession,
    signSession: signer,
    clock,
    acquire: config.rateLimit && budget(config.rateLimit, options.store, now, observer),
    breaker: config.breaker,
    observer,
    readiness: options.readiness,
    traced: tracingStarted(),
  });
  const send: Upstream['send'] = (call, credential, scope) => pipeline({ call, credential, scope, headers: {} });
  return {
    send,
    createSession,
    flavour,
    routes,
    applicationSession,
    clock,
    hasApiKey: config.apiKey !== undefined,
    ownerReads: config.ownerReads,
    close: (force) => http.close(force),
  };
}
