import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config/gateway-config';

export type { Logger };

/**
 * Paths pino censors wherever they appear in a log object. The gateway never
 * logs these values on purpose; this catches the accident.
 */
const redactedPaths = [
  'password',
  '*.password',
  'oldPassword',
  '*.oldPassword',
  'old_password',
  '*.old_password',
  'token',
  '*.token',
  'authSecret',
  '*.authSecret',
  'apiKey',
  '*.apiKey',
  'authorization',
  '*.authorization',
  '"qb-token"',
  '*["qb-token"]',
  'accessToken',
  '*.accessToken',
  'secret',
  '*.secret',
];

/**
 * Standard output, written in batches: a line per call, each its own write,
 * cost the gateway a system call and a thread-pool round trip per call
 * (bench/README.md, "What was tried"). Lines wait until 4 KiB have
 * gathered or a second has passed, whichever is first; pino writes what is
 * left when the process exits.
 */
function bufferedStdout(): DestinationStream {
  return pino.destination({ dest: process.stdout.fd || 1, minLength: 4096, periodicFlush: 1000 });
}

/** The gateway's structured JSON logger (pino), writing to stdout (batched) unless told otherwise. */
export function createLogger(level: LogLevel, destination: DestinationStream = bufferedStdout()): Logger {
  return pino(
    {
      level,
      base: { service: 'qb-grpc-gateway' },
      redact: { paths: redactedPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
