import { AbortError } from 'abort-controller-x';
import { ServerError, Status } from 'nice-grpc-common';
import { type HealthServiceImplementation, HealthCheckResponse_ServingStatus as ServingStatus } from '../../gen/index.grpc.health.v1';
import type { Readiness } from '../readiness';

/**
 * The health service name a liveness probe asks for: SERVING while the
 * process answers at all, ready or not, so that an orchestrator restarts a
 * hung gateway but not one that waits for the upstream to accept its
 * credentials (which a restart would not mend).
 */
export const livenessService = 'liveness';

/** The health service name of one application (README, "Several applications"): SERVING while it is ready. */
export function applicationHealthName(application: string): string {
  return `quickblox.v1.application.${application}`;
}

/**
 * `grpc.health.v1.Health` for the gateway's services and for the server as
 * a whole (the empty name), and for each application under
 * `quickblox.v1.application.<name>`: SERVING exactly while the gateway (its default application; or that application) is ready —
 * NOT_SERVING before the upstream first accepts its credentials, while it
 * rejects them, and from the start of a shutdown; `liveness` is SERVING
 * throughout. `Watch` streams end when the gateway starts draining, so they
 * never hold a shutdown open.
 */
export function createHealthService(
  readiness: Readiness,
  services: readonly string[],
  applications: ReadonlyMap<string, Readiness> = new Map(),
): HealthServiceImplementation {
  const readinessOf = new Map<string, Readiness>([
    ...['', ...services].map((name): [string, Readiness] => [name, readiness]),
    ...[...applications].map(([name, r]): [string, Readiness] => [applicationHealthName(name), r]),
  ]);
  const known = new Set([...readinessOf.keys(), livenessService]);
  const statusOf = (service: string) =>
    service === livenessService || readinessOf.get(service)?.state().ready ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
  const draining = () => {
    const state = readiness.state();
    return !state.ready && state.reason === 'draining';
  };

  return {
    async check({ service }) {
      if (!known.has(service)) throw new ServerError(Status.NOT_FOUND, `unknown service "${service}"`);
      return { status: statusOf(service) };
    },

    async *watch({ service }, context) {
      let sent: ServingStatus | undefined;
      for (;;) {
        const status = known.has(service) ? statusOf(service) : ServingStatus.SERVICE_UNKNOWN;
        if (status !== sent) {
          sent = status;
          yield { status };
        }
        if (draining()) return;
        await nextChange(readinessOf.get(service) ?? readiness, context.signal);
      }
    },

    async list() {
      return { statuses: Object.fromEntries([...known].map((name) => [name, { status: statusOf(name) }])) };
    },
  };
}

function nextChange(readiness: Readiness, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      stop();
      signal.removeEventListener('abort', aborted);
    };
    const stop = readiness.onChange(() => {
      done();
      resolve();
    });
    const aborted = () => {
      done();
      reject(new AbortError());
    };
    if (signal.aborted) aborted();
    else signal.addEventListener('abort', aborted);
  });
}
