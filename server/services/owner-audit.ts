import { ServerError, Status } from 'nice-grpc-common';
import type { Credential } from '../upstream/credential';
import type { GatewayContext } from './call-context';
import type { ServiceDeps } from './service-deps';
import type { Rpc } from './token-policy';

/** Runs `action`, and when it carries the API key (owner powers), reports it to the audit log whatever its outcome. */
export async function audited<T>(
  deps: ServiceDeps,
  context: GatewayContext,
  rpc: Rpc,
  target: string,
  credential: Credential,
  action: () => Promise<T>,
): Promise<T> {
  if (credential.kind !== 'apiKey' || !deps.audit) return action();
  const report = (outcome: string) => deps.audit?.({ caller: context.caller.name, method: rpc, target, outcome });
  try {
    const result = await action();
    report('OK');
    return result;
  } catch (e) {
    report(e instanceof ServerError ? Status[e.code] : 'UNKNOWN');
    throw e;
  }
}
