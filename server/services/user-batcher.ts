import { AbortError } from 'abort-controller-x';
import { Status } from 'nice-grpc-common';
import { ErrorReason } from '../../clients/src/error-reasons';
import type { User } from '../../gen/index.quickblox.v1';
import { gatewayError } from '../errors/gateway-errors';
import { userFromJson, usersFromPage } from '../mapping/user-from-json';
import type { ListableField, UserRead, UserReads } from '../mapping/user-reads';
import type { Credential } from '../upstream/credential';
import type { CallScope } from '../upstream/interceptor';
import { callUpstream } from './call-upstream';
import { refusedListing } from './listing-refusal';
import type { Lookup, ServiceDeps, UserBatcher } from './service-deps';

/** Ids one batch asks for at most: the upstream's page size. */
const maxBatch = 100;

interface Waiter {
  resolve: (user: User) => void;
  reject: (error: unknown) => void;
  scope: CallScope;
}

interface Batch {
  key: string;
  field: Lookup['field'];
  credential: Credential;
  /** By the value looked up. */
  waiters: Map<string, Waiter[]>;
  /** Aborts the upstream request once every waiter has gone (its deadline passed, or it cancelled). */
  abort: AbortController;
  gone: number;
  /** The request, once built: then the batch takes no more ids. */
  read?: UserRead;
}

/**
 * Read coalescing. Lookups by id that use the same credential join one
 * batch: those of the same event-loop turn, and, while a request for that
 * credential is out, those within `windowMs`, so that an idle gateway adds no
 * wait. When the batch goes, it is one `GET` of every id asked
 * (QuickBlox `filter[]=number id in …`, ConnectyCube `id[in][]`), or the plain
 * single lookup for one id. The batch is built only when the rate limit lets
 * it go (`UpstreamCall.late`), so under a limit the batch grows while it
 * waits instead of the queue. Each caller gets what its own call would have:
 * its user, or NOT_FOUND. The request is abandoned when every caller in it
 * has gone. An application that refuses to list users refuses the merged
 * request: its lookups are then sent again one by one, and while the refusal
 * is remembered (`deps.listing`) a batch holds one value, so that only
 * identical lookups share a request.
 */
export function createUserBatcher(deps: ServiceDeps, windowMs: number): UserBatcher {
  const open = new Map<string, Batch>();
  /** Batches sent and not yet answered, by credential key. */
  const sending = new Map<string, number>();
  const reads = deps.userReads;

  function seal(batch: Batch): UserRead {
    if (batch.read) return batch.read;
    if (open.get(batch.key) === batch) open.delete(batch.key);
    const values = [...batch.waiters.keys()];
    batch.read = readOf(reads, batch.field, values);
    deps.lookups?.batch(
      values.length,
      [...batch.waiters.values()].reduce((n, list) => n + list.length, 0),
    );
    return batch.read;
  }

  async function send(batch: Batch): Promise<void> {
    sending.set(batch.key, (sending.get(batch.key) ?? 0) + 1);
    try {
      await answer(batch);
    } finally {
      const left = (sending.get(batch.key) ?? 1) - 1;
      if (left > 0) sending.set(batch.key, left);
      else sending.delete(batch.key);
    }
  }

  async function answer(batch: Batch): Promise<void> {
    const scope: CallScope = { upstreamRequests: 0, signal: batch.abort.signal };
    const placeholder = reads.byIds(['0']).call;
    try {
      const res = await callUpstream(deps, { ...placeholder, late: () => seal(batch).call }, batch.credential, { scope });
      const users = batch.read?.answer === 'user' ? [userFromJson(res.body)] : usersFromPage(res.body);
      settle(batch, users, scope.upstreamRequests, (value, w) =>
        lookUp({ field: batch.field, value }, batch.credential, w.scope, true).then(w.resolve, w.reject),
      );
    } catch (e) {
      seal(batch);
      if (batch.waiters.size > 1 && refusedListing(e)) {
        deps.listing.remember();
        return eachAgain(batch, scope.upstreamRequests, (value, w) =>
          lookUp({ field: batch.field, value }, batch.credential, w.scope).then(w.resolve, w.reject),
        );
      }
      for (const waiters of batch.waiters.values()) for (const w of waiters) w.reject(e);
    }
  }

  function lookUp(lookup: Lookup, credential: Credential, scope: CallScope, alone = false): Promise<User> {
    const { field, value } = lookup;
    const who = `${field}|${credential.kind === 'token' ? `token:${credential.token}` : credential.kind}`;
    const key = deps.listing.holds() ? `${who}|${value}` : who;
    let batch = alone ? undefined : open.get(key);
    if (!batch || (batch.waiters.size >= maxBatch && !batch.waiters.has(value))) {
      const fresh: Batch = { key, field, credential, waiters: new Map(), abort: new AbortController(), gone: 0 };
      if (!alone) open.set(key, fresh);
      // Alone, a lookup goes at once (with whatever arrived in the same turn); while another request for the key is out, it waits the window for company.
      if (sending.has(key)) setTimeout(() => void send(fresh), windowMs);
      else setImmediate(() => void send(fresh));
      batch = fresh;
    }
    const joined = batch;
    return new Promise<User>((resolve, reject) => {
      const list = joined.waiters.get(value) ?? [];
      list.push({ resolve, reject, scope });
      joined.waiters.set(value, list);
      scope.signal?.addEventListener(
        'abort',
        () => {
          reject(new AbortError());
          if (++joined.gone === [...joined.waiters.values()].reduce((n, l) => n + l.length, 0)) joined.abort.abort();
        },
        { once: true },
      );
    });
  }

  return (lookup, credential, scope) => lookUp(lookup, credential, scope);
}

/** The user of a page that a value looks up: its id, or the same login, email or phone (failing an exact match, one alike but for case). */
function matcher(field: Lookup['field'], users: User[]): (value: string) => User | undefined {
  const of = (u: User) => (field === 'id' ? String(u.id) : (u[field as ListableField] ?? ''));
  // The first of the page wins, as it does for a lookup alone.
  const exact = new Map<string, User>();
  const folded = new Map<string, User>();
  for (const u of users) {
    if (!exact.has(of(u))) exact.set(of(u), u);
    if (!folded.has(of(u).toLowerCase())) folded.set(of(u).toLowerCase(), u);
  }
  return (value) => exact.get(value) ?? (field === 'id' ? undefined : folded.get(value.toLowerCase()));
}

function notFound(field: Lookup['field'], value: string) {
  const message = field === 'id' ? `no user has id ${value}` : 'no user matches';
  return gatewayError(Status.NOT_FOUND, message, { reason: ErrorReason.USER_NOT_FOUND });
}

function readOf(reads: UserReads, field: Lookup['field'], values: string[]): UserRead {
  const [one] = values;
  if (field === 'id') return one !== undefined && values.length === 1 ? reads.byId(BigInt(one)) : reads.byIds(values);
  return one !== undefined && values.length === 1 ? reads.find({ $case: field, value: one }) : reads.among(field, values);
}

/** Sends each waiter's lookup `again`, alone, after the batch's request was refused; what that request cost counts for each. */
function eachAgain(batch: Batch, upstreamRequests: number, again: (value: string, waiter: Waiter) => void): void {
  for (const [value, waiters] of batch.waiters)
    for (const w of waiters) {
      w.scope.upstreamRequests += upstreamRequests;
      again(value, w);
    }
}

/** Gives each waiter its user or NOT_FOUND; from a full page, which may have left some out (phone numbers need not be unique), those not in it go to `again`. */
function settle(batch: Batch, users: User[], upstreamRequests: number, again: (value: string, waiter: Waiter) => void): void {
  // One value went as the plain lookup: its answer is what that lookup gives, whatever the upstream matched on.
  const found = batch.waiters.size === 1 ? () => users[0] : matcher(batch.field, users);
  const full = users.length >= maxBatch;
  for (const [value, waiters] of batch.waiters) {
    const user = found(value);
    for (const w of waiters) {
      w.scope.upstreamRequests += upstreamRequests;
      if (user) w.resolve(user);
      else if (full) again(value, w);
      else w.reject(notFound(batch.field, value));
    }
  }
}
