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

/** The gateway's structured JSON logger (pino), writing to stdout unless told otherwise. */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
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
