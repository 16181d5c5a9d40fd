import { ServerError, Status } from 'nice-grpc-common';
import { mapUpstreamError } from '../errors/upstream-error-mapping';
import type { Credential } from '../upstream/credential';
import { withQuery } from '../upstream/form-encoding';
import type { CallScope, UpstreamResponse } from '../upstream/interceptor';
import type { UpstreamCall } from '../upstream/route';
import { UpstreamError } from '../upstream/upstream-error';
import type { ScopeContext } from './call-context';
import { refusedListing } from './listing-refusal';
import type { OwnerAction, ServiceDeps } from './service-deps';

export interface CallOptions {
  /** Upstream field name → contract field path, for the BadRequest of a 422. */
  fields?: Readonly<Record<string, string>>;
  /** A 404 resolves to undefined (searches that answer 404 when nothing matches). */
  notFoundIsEmpty?: boolean;
  /** Sent once more with this credential when the application refuses the first for a dashboard setting (token-policy.ts#whenRefused). */
  whenRefused?: Credential;
  /** The audit line to write if the request goes with the API key (owner powers), whatever its outcome. */
  audit?: Omit<OwnerAction, 'outcome'>;
}

/**
 * Sends one upstream request for a handler and maps a failure to the
 * contract's errors. A token the upstream no longer knows (401) is dropped
 * from the user-session cache so it is never handed out again. An identical
 * read already in flight is joined, not repeated (`deps.shareRead`).
 */
export async function callUpstream(
  deps: ServiceDeps,
  call: UpstreamCall,
  credential: Credential,
  context: ScopeContext,
  options: CallOptions & { notFoundIsEmpty: true },
): Promise<UpstreamResponse | undefined>;
export async function callUpstream(
  deps: ServiceDeps,
  call: UpstreamCall,
  credential: Credential,
  context: ScopeContext,
  options?: CallOptions,
): Promise<UpstreamResponse>;
export async function callUpstream(
  deps: ServiceDeps,
  call: UpstreamCall,
  credential: Credential,
  context: ScopeContext,
  options: CallOptions = {},
): Promise<UpstreamResponse | undefined> {
  const sendWith = (authority: Credential) => (scope: CallScope) => deps.upstream.send(call, authority, scope);
  const { shareRead } = deps;
  const read = (authority: Credential) =>
    shareRead && call.method === 'GET' && !call.late
      ? shareRead(readKey(call, authority), context.scope, sendWith(authority))
      : sendWith(authority)(context.scope);
  let used = credential;
  const report = (outcome: string) => {
    if (used.kind === 'apiKey' && options.audit) deps.audit?.({ ...options.audit, outcome });
  };
  const readOrFallBack = () =>
    read(credential).catch((e: unknown) => {
      if (!(options.whenRefused && refusedListing(e))) throw e;
      used = options.whenRefused;
      return read(used);
    });
  try {
    const res = await readOrFallBack();
    report('OK');
    return res;
  } catch (e) {
    if (options.notFoundIsEmpty && e instanceof UpstreamError && e.kind === 'not_found') {
      report('OK');
      return undefined;
    }
    if (e instanceof UpstreamError && e.status === 401 && credential.kind === 'token') deps.userSessions?.dropToken(credential.token);
    const mapped =
      e instanceof UpstreamError ? mapUpstreamError(e, { credential: used.kind, fields: options.fields, upstream: deps.upstream.flavour.title }) : e;
    report(mapped instanceof ServerError ? Status[mapped.code] : 'UNKNOWN');
    throw mapped;
  }
}

/** What makes two reads identical: the request and the credential it carries. */
function readKey(call: UpstreamCall, credential: Credential): string {
  const who = credential.kind === 'token' ? `token:${credential.token}` : credential.kind;
  return `${who} ${withQuery(call.path, call.query)}`;
}
