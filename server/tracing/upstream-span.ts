import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { tracingStarted } from './tracing';

const tracer = trace.getTracer('qb-grpc-gateway');

export interface UpstreamSpanRequest {
  method: string;
  /** Route template (`/users/{id}.json`): the span name's low-cardinality part. */
  route: string;
  /** The concrete path; its query stays out of the span (it may carry logins and emails). */
  path: string;
  headers: Record<string, string>;
}

/**
 * Runs one upstream HTTP exchange inside a CLIENT span named
 * `{method} {route}` with the stable HTTP client attributes, and adds the W3C
 * `traceparent` of that span to the request headers. Without the
 * OpenTelemetry SDK it only runs the exchange.
 */
export function withUpstreamSpan<T extends { status: number }>(origin: URL, req: UpstreamSpanRequest, exchange: () => Promise<T>): Promise<T> {
  if (!tracingStarted()) return exchange();
  return tracer.startActiveSpan(
    `${req.method} ${req.route}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': req.method,
        'server.address': origin.hostname,
        'server.port': Number(origin.port) || (origin.protocol === 'https:' ? 443 : 80),
        'url.full': `${origin.origin}${req.path.split('?')[0]!}`,
        'url.template': req.route,
      },
    },
    async (span) => {
      propagation.inject(context.active(), req.headers);
      try {
        const res = await exchange();
        span.setAttribute('http.response.status_code', res.status);
        if (res.status >= 400) {
          span.setAttribute('error.type', String(res.status));
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
        return res;
      } catch (e) {
        span.setAttribute('error.type', e instanceof Error ? e.name : 'Error');
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw e;
      } finally {
        span.end();
      }
    },
  );
}
