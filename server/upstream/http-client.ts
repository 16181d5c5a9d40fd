import { createSecureContext, rootCertificates } from 'node:tls';
import { AbortError } from 'abort-controller-x';
import { errors, Pool } from 'undici';
import { type Params, withQuery } from './form-encoding';
import type { Send } from './interceptor';
import { UpstreamError } from './upstream-error';

export interface HttpClientOptions {
  endpoint: string;
  /** Extra trusted certificate authorities (PEM), on top of the system's. */
  ca?: string;
  connections: number;
  /** Longest wait for the response headers, and then for the body. */
  timeoutMs: number;
  /** A request body from its parameters: the upstream's encoding. */
  encodeBody: (params: Params) => { contentType: string; text: string };
}

export interface HttpClient {
  /** The pipeline's innermost stage: resolves with any HTTP answer; rejects with an UpstreamError (its `cause` undici's error) when there is none, or an AbortError. */
  send: Send;
  /** Closes the pool once its requests end; `force`: destroys it, aborting them. */
  close(force?: boolean): Promise<void>;
}

/** HTTP/1.1 to the upstream over one keep-alive undici Pool. */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const pool = new Pool(options.endpoint, {
    connections: options.connections,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    connect: {
      timeout: Math.min(options.timeoutMs, 10_000),
      // One secure context for every connection: building one from ~150 root certificates costs milliseconds.
      ...(options.ca ? { secureContext: createSecureContext({ ca: [...rootCertificates, options.ca] }) } : {}),
    },
  });
  return {
    async send({ call, headers, scope }) {
      const { signal } = scope;
      try {
        const body = call.form ? options.encodeBody(call.form) : undefined;
        const res = await pool.request({
          method: call.method,
          path: withQuery(call.path, call.query),
          headers: body === undefined ? headers : { ...headers, 'content-type': body.contentType },
          body: body?.text,
          signal,
        });
        const text = await res.body.text();
        return { status: res.statusCode, headers: res.headers, body: parseBody(text) };
      } catch (e) {
        if (signal?.aborted) throw new AbortError();
        const timedOut = e instanceof errors.HeadersTimeoutError || e instanceof errors.BodyTimeoutError || e instanceof errors.ConnectTimeoutError;
        throw new UpstreamError(timedOut ? 'timeout' : 'unreachable', call.route, undefined, undefined, { cause: e });
      }
    },
    close: (force) => (force ? pool.destroy() : pool.close()),
  };
}

function parseBody(text: string): unknown {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
