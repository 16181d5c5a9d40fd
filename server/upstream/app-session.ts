import { AbortError } from 'abort-controller-x';

/** The gateway's own application session: a token and when it lapses (local ms). */
export interface ApplicationSession {
  token: string;
  expiresAt: number;
}

export interface AppSessionCacheOptions {
  /** Creates a new application session (upstream, or shared by another replica): one other than `replacing`, the token it renews. */
  create: (replacing?: string) => Promise<ApplicationSession>;
  /** Told of a later expiry recorded for a token, and of a token forgotten (the replicas' shared copy follows). */
  extended?: (token: string, expiresAt: number) => void;
  forgotten?: (token: string) => void;
  now?: () => number;
  /** Start a renewal this long before the tracked expiry. */
  renewBeforeMs?: number;
  /** Told whether each request for a token was served from cache, waited for a creation, or started a renewal. */
  observe?: (event: 'hit' | 'miss' | 'renewal') => void;
}

export interface AppSessionCache {
  /** A live token: the cached one, or a new session when there is none. */
  token(signal?: AbortSignal): Promise<string>;
  /** Records a later expiry for `token`, as read from a response that used it. */
  extend(token: string, expiresAt: number): void;
  /** Forgets `token` when the upstream said it no longer exists. A newer token is kept. */
  invalidate(token: string): void;
  /** The cached session, if any. */
  peek(): ApplicationSession | undefined;
}

/**
 * One application session shared by every call. Creation is single-flight: any
 * number of concurrent callers on a cold or expired cache wait for the same
 * upstream request. Near the end of its tracked life the session is renewed
 * in the background while the current token is still served.
 */
export function createAppSessionCache(options: AppSessionCacheOptions): AppSessionCache {
  const now = options.now ?? Date.now;
  const renewBeforeMs = options.renewBeforeMs ?? 10 * 60_000;
  const observe = options.observe ?? (() => {});
  let current: ApplicationSession | undefined;
  let pending: Promise<ApplicationSession> | undefined;

  function refresh(): Promise<ApplicationSession> {
    pending ??= options
      .create(current?.token)
      .then((session) => (current = session))
      .finally(() => {
        pending = undefined;
      });
    return pending;
  }

  return {
    async token(signal) {
      const session = current;
      const t = now();
      if (session && session.expiresAt > t) {
        if (session.expiresAt - t < renewBeforeMs && !pending) {
          observe('renewal');
          refresh().catch(() => {});
        }
        observe('hit');
        return session.token;
      }
      observe('miss');
      return (await abortable(refresh(), signal)).token;
    },
    extend(token, expiresAt) {
      if (current?.token !== token || expiresAt <= current.expiresAt) return;
      current.expiresAt = expiresAt;
      options.extended?.(token, expiresAt);
    },
    invalidate(token) {
      if (current?.token === token) current = undefined;
      options.forgotten?.(token);
    },
    peek: () => current,
  };
}

/** Lets one waiter stop waiting for a shared promise without cancelling it for the others. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(new AbortError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new AbortError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
