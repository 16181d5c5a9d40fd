import type { Session } from '../../gen/index.quickblox.v1';

/**
 * What one cached session costs beyond its two strings, taken above what was
 * measured (2026-12-07): RSS per session added at steady state, 20,000 more
 * sessions on a gateway that already held 20,000, about 790 B on Node 20 and
 * 1,070 B on Node 26; heap 715 B and 670 B (bench scenario 7b). So a bound in
 * bytes bounds RSS too (test/e2e/reuse-cache-bound.test.ts). The first fill of
 * a fresh gateway costs more, since V8 grows its heap spaces then: 1,330 B on
 * Node 20 and 2,540 B on Node 26 per session over the first 20,000 (scenario 7).
 */
export const entryOverheadBytes = 1700;

/** The estimate a bound is held to: the fixed cost, and the key and token (one byte a character: V8 keeps ASCII strings so). */
export function entryBytes(key: string, token: string): number {
  return entryOverheadBytes + key.length + token.length;
}

export interface SessionEntry {
  session: Session;
  expiresAt: number;
  bytes: number;
}

export interface SessionEntries {
  get(key: string): SessionEntry | undefined;
  /** Marks the entry of `key` as the most recently used. */
  touch(key: string, entry: SessionEntry): void;
  /** Stores a session with a token and an expiry, evicting the least recently used to keep within the bound. */
  store(key: string, session: Session): void;
  remove(key: string): void;
  /** The key holding `token`, if any. */
  keyOf(token: string): string | undefined;
  entries(): IterableIterator<[string, SessionEntry]>;
  readonly size: number;
  readonly bytes: number;
}

/**
 * The user-session cache's entries, by key and by token, bounded by their
 * estimated memory: a Map iterates in insertion order and a hit re-inserts
 * its entry, so the first keys are the least recently used, and go first.
 */
export function sessionEntries(maxBytes: number, onEvict?: () => void): SessionEntries {
  const entries = new Map<string, SessionEntry>();
  const keyByToken = new Map<string, string>();
  let bytes = 0;

  function remove(key: string): void {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    bytes -= entry.bytes;
    if (keyByToken.get(entry.session.token) === key) keyByToken.delete(entry.session.token);
  }

  return {
    get: (key) => entries.get(key),
    touch(key, entry) {
      entries.delete(key);
      entries.set(key, entry);
    },
    store(key, session) {
      const expiresAt = session.expiresAt?.getTime();
      if (!session.token || expiresAt === undefined) return;
      remove(key);
      const size = entryBytes(key, session.token);
      if (size > maxBytes) return;
      for (const oldest of entries.keys()) {
        if (bytes + size <= maxBytes) break;
        remove(oldest);
        onEvict?.();
      }
      entries.set(key, { session, expiresAt, bytes: size });
      bytes += size;
      keyByToken.set(session.token, key);
    },
    remove,
    keyOf: (token) => keyByToken.get(token),
    entries: () => entries.entries(),
    get size() {
      return entries.size;
    },
    get bytes() {
      return bytes;
    },
  };
}
