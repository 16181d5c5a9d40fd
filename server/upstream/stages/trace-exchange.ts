import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { UpstreamInterceptor } from '../interceptor';

const tracer = trace.getTracer('qb-grpc-gateway');

/**
 * Runs each HTTP exchange inside a CLIENT span named `{method} {route}` with
 * the stable HTTP client attributes, and sends the W3C `traceparent` of that
 * span upstream. The query stays out of `url.full`: it may carry logins and
 * emails. The pipeline includes this stage only while the OpenTelemetry SDK runs.
 */
export function traceExchange(origin: URL): UpstreamInterceptor {
  const port = Number(origin.port) || (origin.protocol === 'https:' ? 443 : 80);
  return (next) => (request) => {
    const { method, route, path } = request.call;
    return tracer.startActiveSpan(
      `${method} ${route}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'http.request.method': method,
          'server.address': origin.hostname,
          'server.port': port,
          'url.full': `${origin.origin}${path}`,
          'url.template': route,
        },
      },
      async (span) => {
        const headers = { ...request.headers };
        propagation.inject(context.active(), headers);
        try {
          const response = await next({ ...request, headers });
          span.setAttribute('http.response.status_code', response.status);
          if (response.status >= 400) {
            span.setAttribute('error.type', String(response.status));
            span.setStatus({ code: SpanStatusCode.ERROR });
          }
          return response;
        } catch (e) {
          span.setAttribute('error.type', e instanceof Error ? e.name : 'Error');
          span.setStatus({ code: SpanStatusCode.ERROR });
          throw e;
        } finally {
          span.end();
        }
      },
    );
  };
}
