import { NodeSDK } from '@opentelemetry/sdk-node';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';

let started = false;

/**
 * Whether this process runs the OpenTelemetry SDK. Without it every span is a
 * no-op, so the gateway leaves the span middleware and wrappers out of the call
 * path altogether rather than paying for them on every call.
 */
export function tracingStarted(): boolean {
  return started;
}

export interface Tracing {
  /** Flushes pending spans and stops the exporters. */
  shutdown(): Promise<void>;
}

/**
 * Whether the standard OTEL_* variables ask for traces: an exporter in
 * OTEL_TRACES_EXPORTER other than `none`, or an OTLP endpoint. Nothing is
 * exported unless asked, and OTEL_SDK_DISABLED=true always wins.
 */
export function tracingRequested(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporters = env.OTEL_TRACES_EXPORTER?.trim();
  if (exporters) return exporters.split(',').some((e) => e.trim() !== 'none');
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/**
 * Starts the OpenTelemetry SDK for traces only, configured by the standard
 * OTEL_* variables (exporter, endpoint, sampler, service name, resource
 * attributes). Metrics and logs stay with Prometheus and pino: sdk-node would
 * otherwise start OTLP metric and log exporters on its own when `metricReaders`
 * and `logRecordProcessors` are left out.
 * Undefined when tracing is not requested. `spanProcessors` replaces the
 * exporters from the environment (tests).
 */
export function startTracing(env: NodeJS.ProcessEnv = process.env, spanProcessors?: SpanProcessor[]): Tracing | undefined {
  if (!spanProcessors && !tracingRequested(env)) return undefined;
  const sdk = new NodeSDK({
    ...(env.OTEL_SERVICE_NAME ? {} : { serviceName: 'qb-grpc-gateway' }),
    ...(spanProcessors ? { spanProcessors } : {}),
    instrumentations: [],
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  started = true;
  return {
    shutdown: async () => {
      started = false;
      await sdk.shutdown();
    },
  };
}
