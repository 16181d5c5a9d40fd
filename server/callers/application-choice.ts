import { type Metadata, Status } from 'nice-grpc-common';
import { ErrorReason } from '../../clients/src/error-reasons';
import { gatewayError } from '../errors/gateway-errors';

/** The metadata a call names its application with; without it, the call is the default application's. */
export const applicationMetadata = 'qb-application';

/**
 * The application a call names, or the default when it names none; an unknown
 * name is INVALID_ARGUMENT `UNKNOWN_APPLICATION`, listing the known ones, and
 * goes nowhere.
 */
export function applicationChoice(names: readonly string[], defaultName: string): (metadata: Metadata) => string {
  const known = new Set(names);
  return (metadata) => {
    const named = metadata.get(applicationMetadata)?.toString().trim();
    if (!named) return defaultName;
    if (known.has(named)) return named;
    const shown = named.length > 63 ? `${named.slice(0, 63)}…` : named;
    throw gatewayError(Status.INVALID_ARGUMENT, `${applicationMetadata}: "${shown}" names no application of this gateway (it serves ${names.join(', ')})`, {
      reason: ErrorReason.UNKNOWN_APPLICATION,
      metadata: { application: shown, known: names.join(',') },
      violations: [{ field: applicationMetadata, description: `must be one of ${names.join(', ')}` }],
    });
  };
}
