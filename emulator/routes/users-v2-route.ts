import { userObject } from '../users/user-record';
import { listsUsers, parseV2Query } from '../users/v2-query';
import { authenticate } from './actor';
import type { Ctx, Reply } from './context';
import { listingForbidden } from './listing-forbidden';

/** `GET /users/v2` (ConnectyCube): `{limit, skip, total_entries, items}` with bare user objects (docs/connectycube-rest.md §3.6.1). */
export function usersV2(ctx: Ctx): Reply {
  const { app, owner } = authenticate(ctx);
  const query = parseV2Query(ctx.params);
  if (!owner && !app.settings.listUsers && listsUsers(ctx.params)) throw listingForbidden(ctx, app);
  const matches = [...app.users.byId.values()].filter(query.match).sort(query.order);
  const items = matches.slice(query.offset, query.offset + query.limit).map(userObject);
  return { status: 200, body: JSON.stringify({ limit: query.limit, skip: query.offset, total_entries: matches.length, items }) };
}
