import { AbortError } from 'abort-controller-x';
import { Status } from 'nice-grpc-common';
import { ErrorReason } from '../../clients/src/error-reasons';
import type { User } from '../../gen/index.quickblox.v1';
import { gatewayError } from '../errors/gateway-errors';
import { userFromJson, usersFromPage } from '../mapping/user-from-json';
import type { UserRead } from '../mapping/user-reads';
import { userReadsFor } from '../mapping/user-reads-for';
import type { Credential } from '../upstream/credential';
import type { CallScope } from '../upstream/interceptor';
import { callUpstream } from './call-upstream';
import type { ServiceDeps, UserBatcher } from './service-deps';

/** Ids one batch asks for at most: the upstream's page size. */
const maxBatch = 100;

interface Waiter {
  resolve: (user: User) => void;
  reject: (error: unknown) => void;
  scope: CallScope;
}

interface Batch {
  key: string;
  credential: Credential;
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
 * has gone.
 */
export function createUserBatcher(deps: ServiceDeps, windowMs: number): UserBatcher {
  const open = new Map<string, Batch>();
  /** Batches sent and not yet answered, by credential key. */
  const sending = new Map<string, number>();
  const reads = userReadsFor[deps.upstream.flavour.name];

  function seal(batch: Batch): UserRead {
    if (batch.read) return batch.read;
    if (open.get(batch.key) === batch) open.delete(batch.key);
    const ids = [...batch.waiters.keys()];
    batch.read = ids.length === 1 ? reads.byId(BigInt(ids[0] ?? '0')) : reads.byIds(ids);
    deps.lookups?.batch(
      ids.length,
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
      const byId = new Map(users.map((u) => [String(u.id), u]));
      for (const [id, waiters] of batch.waiters) {
        const user = byId.get(id);
        for (const w of waiters) {
          w.scope.upstreamRequests += scope.upstreamRequests;
          if (user) w.resolve(user);
          else w.reject(gatewayError(Status.NOT_FOUND, `no user has id ${id}`, { reason: ErrorReason.USER_NOT_FOUND }));
        }
      }
    } catch (e) {
      seal(batch);
      for (const waiters of batch.waiters.values()) for (const w of waiters) w.reject(e);
    }
  }

  return (id, credential, scope) => {
    const key = credential.kind === 'token' ? `token:${credential.token}` : credential.kind;
    let batch = open.get(key);
    if (!batch || (batch.waiters.size >= maxBatch && !batch.waiters.has(String(id)))) {
      const fresh: Batch = { key, credential, waiters: new Map(), abort: new AbortController(), gone: 0 };
      open.set(key, fresh);
      // Alone, a lookup goes at once (with whatever arrived in the same turn); while another request for the key is out, it waits the window for company.
      if (sending.has(key)) setTimeout(() => void send(fresh), windowMs);
      else setImmediate(() => void send(fresh));
      batch = fresh;
    }
    const joined = batch;
    return new Promise<User>((resolve, reject) => {
      const list = joined.waiters.get(String(id)) ?? [];
      list.push({ resolve, reject, scope });
      joined.waiters.set(String(id), list);
      scope.signal?.addEventListener(
        'abort',
        () => {
          reject(new AbortError());
          if (++joined.gone === [...joined.waiters.values()].reduce((n, l) => n + l.length, 0)) joined.abort.abort();
        },
        { once: true },
      );
    });
  };
}
