import { Status } from 'nice-grpc-common';
import { ErrorReason } from '../../clients/src/error-reasons';
import type { FindUserRequest, GetUserRequest, GetUsersRequest, GetUsersResponse, User } from '../../gen/index.quickblox.v1';
import { gatewayError } from '../errors/gateway-errors';
import { userFromJson, usersFromPage } from '../mapping/user-from-json';
import type { FindKey, UserRead } from '../mapping/user-reads';
import type { Credential } from '../upstream/credential';
import * as rules from '../validation/field-rules';
import type { GatewayContext } from './call-context';
import { callUpstream } from './call-upstream';
import { checked } from './checked';
import { refusedListing } from './listing-refusal';
import type { ServiceDeps } from './service-deps';
import { credentialFor, type Rpc, whenRefused } from './token-policy';

/** The contract's checks of each kind of FindUser key. */
function checkKey(key: FindKey, v: rules.Violations): void {
  switch (key.$case) {
    case 'login':
      rules.login(v, 'login', key.value);
      return;
    case 'email':
      rules.email(v, 'email', key.value);
      return;
    case 'phone':
      rules.text(v, 'phone', key.value, 1, 32);
      return;
    case 'facebookId':
      rules.text(v, 'facebook_id', key.value, 1, 64);
      return;
    case 'twitterId':
      rules.text(v, 'twitter_id', key.value, 1, 64);
      return;
    case 'externalUserId':
      rules.positiveId(v, 'external_user_id', key.value);
      return;
    case 'externalId':
      rules.text(v, 'external_id', key.value, 1, 255);
      return;
  }
}

export async function getUser(deps: ServiceDeps, request: GetUserRequest, context: GatewayContext): Promise<{ user: User }> {
  checked((v) => rules.positiveId(v, 'id', request.id));
  const { batcher } = deps;
  if (batcher) return { user: await batcher({ field: 'id', value: String(request.id) }, credentialFor('GetUser', context, deps.upstream), context.scope) };
  return { user: await lookUp(deps, 'GetUser', deps.userReads.byId(request.id), context, `id:${request.id}`) };
}

export async function getUsers(deps: ServiceDeps, request: GetUsersRequest, context: GatewayContext): Promise<GetUsersResponse> {
  checked((v) => {
    if (request.ids.length === 0 || request.ids.length > 100) v.push({ field: 'ids', description: 'must have 1 to 100 ids' });
    request.ids.forEach((id, i) => {
      rules.positiveId(v, `ids[${i}]`, id);
    });
  });
  const ids = [...new Set(request.ids)];
  const credential = credentialFor('GetUsers', context, deps.upstream);
  const { batcher } = deps;
  let found: User[];
  if (batcher) {
    const settled = await Promise.allSettled(ids.map((id) => batcher({ field: 'id', value: String(id) }, credential, context.scope)));
    const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected' && !isNotFound(r.reason));
    if (failure) throw failure.reason;
    found = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  } else {
    found = await readIds(deps, ids, credential, context);
  }
  const byId = new Map(found.map((u) => [u.id, u]));
  return { users: request.ids.flatMap((id) => byId.get(id) ?? []) };
}

export async function findUser(deps: ServiceDeps, request: FindUserRequest, context: GatewayContext): Promise<{ user: User }> {
  const { key } = request;
  if (!key) return checked((v) => rules.oneOf(v, 'key', false)) as never;
  checked((v) => checkKey(key, v));
  const { batcher } = deps;
  const listable = (key.$case === 'login' || key.$case === 'email' || key.$case === 'phone') && deps.userReads.listable(key.value);
  if (batcher && listable)
    return { user: await batcher({ field: key.$case, value: key.value }, credentialFor('FindUser', context, deps.upstream), context.scope) };
  return { user: await lookUp(deps, 'FindUser', deps.userReads.find(key), context, `by:${key.$case}`) };
}

/** Users read one by one at most at once, when the application refuses to list them: the rate limit queues the rest. */
const readsAtOnce = 8;

/** The users of `ids` that exist: one list request, or, where the application refuses lists, each id alone. */
async function readIds(deps: ServiceDeps, ids: bigint[], credential: Credential, context: GatewayContext): Promise<User[]> {
  if (!deps.listing.holds()) {
    try {
      const res = await callUpstream(deps, deps.userReads.byIds(ids.map(String)).call, credential, context);
      return usersFromPage(res.body);
    } catch (e) {
      if (!refusedListing(e)) throw e;
      deps.listing.remember();
    }
  }
  const found: User[] = [];
  let next = 0;
  const worker = async () => {
    for (let id = ids[next++]; id !== undefined; id = ids[next++]) {
      try {
        found.push(await lookUp(deps, 'GetUsers', deps.userReads.byId(id), context, `id:${id}`));
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(readsAtOnce, ids.length) }, worker));
  return found;
}

function isNotFound(e: unknown): boolean {
  return (e as { code?: unknown }).code === Status.NOT_FOUND;
}

/** One user: the `{user}` answer, or the first of a page (NOT_FOUND when it is empty). */
async function lookUp(deps: ServiceDeps, rpc: Rpc, read: UserRead, context: GatewayContext, target: string): Promise<User> {
  const res = await callUpstream(deps, read.call, credentialFor(rpc, context, deps.upstream), context, {
    whenRefused: whenRefused(rpc, context, deps.upstream),
    audit: { caller: context.caller.name, method: rpc, target },
  });
  if (read.answer === 'user') return userFromJson(res.body);
  const first = usersFromPage(res.body)[0];
  if (!first) throw gatewayError(Status.NOT_FOUND, 'no user matches', { reason: ErrorReason.USER_NOT_FOUND });
  return first;
}
