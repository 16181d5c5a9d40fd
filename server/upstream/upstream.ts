import type { UpstreamConfig } from '../config/gateway-config';
import type { Readiness } from '../readiness';
import { tracingStarted } from '../tracing/tracing';
import { type AppSessionCache, createAppSessionCache } from './app-session';
import type { Credential } from './credential';
import type { Params } from './form-encoding';
import { createHttpClient } from './http-client';
import type { CallScope, UpstreamResponse } from './interceptor';
import { createNonceSource } from './nonce-source';
import { createPipeline } from './pipeline';
import { quickbloxRoutes } from './quickblox-routes';
import { createRateLimiter } from './rate-limiter';
import type { RouteTable, UpstreamCall } from './route';
import { createSessionSigner } from './session-signer';
import { createUpstreamClock, type UpstreamClock } from './upstream-clock';
import { UpstreamError } from './upstream-error';
import { noObserver, type UpstreamObserver } from './upstream-observer';

export interface Upstream {
  /** Sends a request with the credential's authority; resolves with a success, rejects with an UpstreamError otherwise. */
  send(call: UpstreamCall, credential: Credential, scope: CallScope): Promise<UpstreamResponse>;
  /** Creates a session (`POST /session.json`), signed, for the subject's parameters (none: an application session). */
  createSession(subject: Params, scope: CallScope): Promise<UpstreamResponse>;
  /** The upstream's REST routes. */
  readonly routes: RouteTable;
  readonly applicationSession: AppSessionCache;
  readonly clock: UpstreamClock;
  readonly hasApiKey: boolean;
  close(): Promise<void>;
}

export interface UpstreamOptions {
  config: UpstreamConfig;
  readiness?: Readiness;
  /** Local clock (tests). */
  now?: () => number;
  observer?: UpstreamObserver;
}

/** A session's life when the upstream does not say (two hours, sliding), less a minute of margin. */
const assumedSessionLifetimeMs = 2 * 60 * 60_000 - 60_000;

/** The REST API as the gateway uses it: the parts the pipeline needs, built once, and the pipeline over them. */
export function createUpstream(options: UpstreamOptions): Upstream {
  const { config } = options;
  const now = options.now ?? Date.now;
  const observer = options.observer ?? noObserver;
  const http = createHttpClient(config);
  const clock = createUpstreamClock(now);
  const routes = quickbloxRoutes;
  const signer = createSessionSigner({
    applicationId: config.applicationId,
    authKey: config.authKey,
    authSecret: config.authSecret,
    algorithm: config.signatureAlgorithm,
    upstreamNow: clock.now,
    nextNonce: createNonceSource(),
  });
  const createSession = (subject: Params, scope: CallScope) => send({ ...routes.createSession, form: subject }, { kind: 'signature' }, scope);
  const applicationSession = createAppSessionCache({
    now,
    observe: (event) => observer.applicationToken(event),
    async create() {
      const res = await createSession([], { upstreamRequests: 0 });
      const token = (res.body as { session?: { token?: unknown } } | undefined)?.session?.token;
      if (typeof token !== 'string' || !token) throw new UpstreamError('status', routes.createSession.route, res.status, res.body);
      return { token, expiresAt: res.expiresAt ?? now() + assumedSessionLifetimeMs };
    },
  });
  const pipeline = createPipeline({
    transport: http.send,
    origin: new URL(config.endpoint),
    apiKey: config.apiKey,
    applicationSession,
    signSession: signer,
    clock,
    acquire: config.rateLimit && createRateLimiter({ ...config.rateLimit, now }),
    observer,
    readiness: options.readiness,
    traced: tracingStarted(),
  });
  function send(call: UpstreamCall, credential: Credential, scope: CallScope): Promise<UpstreamResponse> {
    return pipeline({ call, credential, scope, headers: {} });
  }
  return {
    send,
    createSession,
    routes,
    applicationSession,
    clock,
    hasApiKey: config.apiKey !== undefined,
    close: () => http.close(),
  };
}
