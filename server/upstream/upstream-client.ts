import { delay } from 'abort-controller-x';
import type { UpstreamConfig } from '../config/gateway-config';
import type { Readiness } from '../readiness';
import { createAppSessionCache, type AppSessionCache } from './app-session';
import { expiryHeader, parseExpiry } from './expiry-header';
import { encodeParams, withQuery, type Params } from './form-encoding';
import { createHttpClient, type HttpMethod, type HttpResponse } from './http-client';
import { createNonceSource } from './nonce-source';
import { createSessionSigner } from './session-signer';
import { createRateLimiter } from './rate-limiter';
import { createUpstreamClock, type UpstreamClock } from './upstream-clock';
import { noObserver, type UpstreamObserver } from './upstream-observer';
import { UpstreamError } from './upstream-error';

/** Which authority an upstream request carries. */
export type Credential =
  /** A session token the caller supplied (`qb-token`). */
  | { kind: 'token'; token: string }
  /** The gateway's own application session. */
  | { kind: 'application' }
  /** The server API key: the account owner, who may read and change any user. */
  | { kind: 'apiKey' };

/** One REST request, before authentication. */
export interface UpstreamCall {
  method: HttpMethod;
  /** The route template (`/users/{id}.json`): what logs and metrics show. */
  route: string;
  /** The concrete path, without query. */
  path: string;
  query?: Params;
  form?: Params;
}

/** Bookkeeping of one gRPC call: its cancellation signal and the upstream requests made for it. */
export interface CallScope {
  signal?: AbortSignal;
  upstreamRequests: number;
}

export interface UpstreamResult extends HttpResponse {
  /** When the session used lapses (local ms), from `QB-Token-ExpirationDate`. */
  expiresAt?: number;
}

export interface Upstream {
  /** Sends an authenticated request; resolves with a success, rejects with an UpstreamError otherwise. */
  send(call: UpstreamCall, credential: Credential, scope: CallScope): Promise<UpstreamResult>;
  /** Creates a session (`POST /session.json`), signed, for the subject's parameters (none: an application session). */
  createSession(subject: Params, scope: CallScope): Promise<UpstreamResult>;
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

const sessionLifetimeMs = 2 * 60 * 60_000;
const successStatuses = new Set([200, 201, 202]);
const retryableStatuses = new Set([502, 503, 504]);

/**
 * The REST API as the gateway uses it: authentication per request, session
 * signing with nonce and clock handling, the shared application session with
 * its replay on "Required session does not exist", and one quick retry of a
 * GET that found no server or a 502/503/504 (reads are safe to repeat).
 */
export function createUpstream(options: UpstreamOptions): Upstream {
  const { config, readiness } = options;
  const now = options.now ?? Date.now;
  const http = createHttpClient(config);
  const observer = options.observer ?? noObserver;
  const clock = createUpstreamClock(now);
  const acquire = config.rateLimit ? createRateLimiter({ ...config.rateLimit, now }) : undefined;
  const signSession = createSessionSigner({
    applicationId: config.applicationId,
    authKey: config.authKey,
    authSecret: config.authSecret,
    algorithm: config.signatureAlgorithm,
    upstreamNow: clock.now,
    nextNonce: createNonceSource(),
  });

  async function exchange(call: UpstreamCall, headers: Record<string, string>, scope: CallScope): Promise<HttpResponse> {
    const path = withQuery(call.path, call.query);
    let body: string | undefined;
    if (call.form) {
      body = encodeParams(call.form);
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const repeatable = call.method === 'GET';
    for (let attempt = 1; ; attempt++) {
      if (acquire) {
        const decision = await acquire(scope.signal);
        if ('refusedForMs' in decision) {
          observer.rateLimitRejection('gateway');
          throw new UpstreamError('throttled', call.route, undefined, undefined, Math.ceil(decision.refusedForMs / 1000));
        }
        if (decision.waitedMs > 0) observer.rateLimitWait(decision.waitedMs / 1000);
      }
      scope.upstreamRequests++;
      const started = performance.now();
      let res: HttpResponse;
      try {
        res = await http.request({ method: call.method, route: call.route, path, headers, body, signal: scope.signal });
      } catch (e) {
        observer.request(call.method, call.route, 'error', (performance.now() - started) / 1000);
        if (repeatable && attempt === 1 && e instanceof UpstreamError && e.failure === 'unreachable') {
          observer.retry('read_retry');
          await pause(scope.signal);
          continue;
        }
        throw e;
      }
      observer.request(call.method, call.route, res.status, (performance.now() - started) / 1000);
      if (res.status === 429) observer.rateLimitRejection('upstream');
      if (clock.observe(res.headers.date as string | undefined)) observer.clockOffset(clock.offsetMs());
      if (repeatable && attempt === 1 && retryableStatuses.has(res.status)) {
        observer.retry('read_retry');
        await pause(scope.signal);
        continue;
      }
      return res;
    }
  }

  function result(call: UpstreamCall, res: HttpResponse): UpstreamResult {
    if (!successStatuses.has(res.status)) throw new UpstreamError('status', call.route, res.status, res.body, retryAfter(res));
    const expiry = parseExpiry(res.headers[expiryHeader]);
    return expiry === undefined ? res : { ...res, expiresAt: expiry - clock.offsetMs() };
  }

  const sessionCall = { method: 'POST', route: '/session.json', path: '/session.json' } as const;

  async function signedSession(subject: Params, scope: CallScope): Promise<UpstreamResult> {
    for (let attempt = 1; ; attempt++) {
      const res = await exchange({ ...sessionCall, form: signSession(subject) }, {}, scope);
      if (res.status === 422) {
        const error = new UpstreamError('status', sessionCall.route, res.status, res.body);
        // The clock offset was just learnt from this answer's Date header: a new timestamp and nonce fix it.
        if (attempt === 1 && (error.says('bad timestamp') || error.says('nonce'))) {
          observer.retry('resign');
          continue;
        }
        if (error.says('unexpected signature') || error.says('no application found')) {
          readiness?.misconfigured(`the upstream rejected the gateway's application credentials: ${error.messages.join('; ')}`);
        }
        throw error;
      }
      const done = result(sessionCall, res);
      readiness?.upstreamAccepted();
      return done;
    }
  }

  async function createSession(subject: Params, scope: CallScope): Promise<UpstreamResult> {
    const kind = subject.length ? 'user' : 'application';
    try {
      const done = await signedSession(subject, scope);
      observer.sessionCreated(kind, true);
      return done;
    } catch (e) {
      observer.sessionCreated(kind, false);
      throw e;
    }
  }

  const applicationSession = createAppSessionCache({
    now,
    observe: (event) => observer.applicationToken(event),
    async create() {
      const res = await createSession([], { upstreamRequests: 0 });
      const token = (res.body as { session?: { token?: unknown } } | undefined)?.session?.token;
      if (typeof token !== 'string' || !token) throw new UpstreamError('status', sessionCall.route, res.status, res.body);
      return { token, expiresAt: res.expiresAt ?? now() + sessionLifetimeMs - 60_000 };
    },
  });

  function headersFor(credential: Exclude<Credential, { kind: 'application' }>): Record<string, string> {
    if (credential.kind === 'token') return { 'qb-token': credential.token };
    if (!config.apiKey) throw new Error('no API key is configured');
    return { authorization: `ApiKey ${config.apiKey}` };
  }

  return {
    async send(call, credential, scope) {
      if (credential.kind !== 'application') return result(call, await exchange(call, headersFor(credential), scope));
      for (let replay = 0; ; replay++) {
        const token = await applicationSession.token(scope.signal);
        const res = await exchange(call, { 'qb-token': token }, scope);
        if (res.status === 401 && replay === 0 && new UpstreamError('status', call.route, 401, res.body).says('session does not exist')) {
          applicationSession.invalidate(token);
          observer.retry('session_replay');
          continue;
        }
        const done = result(call, res);
        if (done.expiresAt !== undefined) applicationSession.extend(token, done.expiresAt);
        return done;
      }
    },
    createSession,
    applicationSession,
    clock,
    hasApiKey: config.apiKey !== undefined,
    close: () => http.close(),
  };
}

function pause(signal: AbortSignal | undefined): Promise<void> {
  const ms = 20 + Math.random() * 80;
  return signal ? delay(signal, ms) : new Promise((resolve) => setTimeout(resolve, ms));
}

function retryAfter(res: HttpResponse): number | undefined {
  const value = res.headers['retry-after'];
  if (typeof value !== 'string') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}
