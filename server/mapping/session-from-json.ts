import type { Session } from '../../gen/index.quickblox.v1';
import { date, int64, str } from './user-from-json';

/**
 * Reads `{"session":{…}}` into the contract's Session. `user_id` 0 (an
 * application session) becomes unset; `expiresAt` comes from the response
 * header, already on the gateway's clock.
 */
export function sessionFromJson(json: unknown, expiresAt: number | undefined): Session {
  const s = ((json as { session?: unknown } | undefined)?.session ?? {}) as Record<string, unknown>;
  const userId = int64(s.user_id);
  return {
    token: str(s.token) ?? '',
    id: int64(s.id) ?? 0n,
    applicationId: int64(s.application_id) ?? 0n,
    userId: userId && userId > 0n ? userId : undefined,
    createdAt: date(s.created_at),
    updatedAt: date(s.updated_at),
    expiresAt: expiresAt === undefined ? undefined : new Date(expiresAt),
  };
}
