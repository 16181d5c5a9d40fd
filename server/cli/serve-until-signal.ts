import type { Gateway } from '../grpc/gateway-server';
import type { Logger } from '../logging/logger';

/**
 * Shuts the gateway down gracefully on SIGTERM or SIGINT, runs `cleanup`, and
 * exits 0; a second signal exits at once.
 */
export function serveUntilSignal(gateway: Gateway, logger: Logger, cleanup: () => Promise<void> = async () => {}): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'signal received');
    gateway
      .shutdown()
      .then(cleanup)
      .then(
        () => process.exit(0),
        (e: Error) => {
          logger.error({ error: e.message }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
