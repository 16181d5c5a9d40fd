import { createSecureContext, rootCertificates } from 'node:tls';
import { AbortError } from 'abort-controller-x';
import { errors, Pool } from 'undici';
import type { IncomingHttpHeaders } from 'undici/types/header';
import { withUpstreamSpan } from '../tracing/upstream-span';
import { UpstreamError } from './upstream-error';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  /** The route template (`/users/{id}.json`), for errors, logs and metrics. */
  route: string;
  /** The path with its query string. */
  path: string;
  headers: Record<string, string>;
  /** A form-encoded body. */
  body?: string;
  /** Aborted when the caller goes away or its deadline passes. */
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body; undefined for a blank or non-JSON body. */
  body: unknown;
}

export interface HttpClientOptions {
  endpoint: string;
  /** Extra trusted certificate authorities (PEM), on top of the system's. */
  ca?: string;
  connections: number;
  /** Longest wait for the response headers, and then for the body. */
  timeoutMs: number;
}

export interface HttpClient {
  /** Sends one request. Resolves with any HTTP answer; rejects with an UpstreamError when there is none, or an AbortError. */
  request(req: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
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
  const origin = new URL(options.endpoint);
  async function send(req: HttpRequest): Promise<HttpResponse> {
    try {
      const res = await pool.request({ method: req.method, path: req.path, headers: req.headers, body: req.body, signal: req.signal });
      const text = await res.body.text();
      return { status: res.statusCode, headers: res.headers, body: parseBody(text) };
    } catch (e) {
      if (req.signal?.aborted) throw new AbortError();
      if (e instanceof errors.HeadersTimeoutError || e instanceof errors.BodyTimeoutError || e instanceof errors.ConnectTimeoutError) {
        throw new UpstreamError('timeout', req.route);
      }
      throw new UpstreamError('unreachable', req.route);
    }
  }
  return {
    request: (req) => withUpstreamSpan(origin, req, () => send(req)),
    close: () => pool.close(),
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
