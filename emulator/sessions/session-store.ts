import { randomBytes } from 'node:crypto';
import type { Flavour } from '../config';

export interface SessionRecord {
  id: number;
  /** QuickBlox: 40 lowercase hex digits, the form of the docs' examples; ConnectyCube: 36 uppercase hex digits, its 2021+ form. */
  token: string;
  appId: number;
  /** 0 for an application session. */
  userId: number;
  nonce: number;
  ts: number;
  createdAt: number;
  updatedAt: number;
  /** The last successful request made with the session; expiry slides from here. */
  lastActivity: number;
  /** A lifetime of its own (a ConnectyCube guest's day); unset: the application's. */
  ttlMs?: number;
}

/** Every live session of every application, by token. */
export class SessionStore {
  private readonly byToken = new Map<string, SessionRecord>();
  private lastId = 1_151_827_600;

  constructor(private readonly flavour: Flavour = 'quickblox') {}

  get size(): number {
    return this.byToken.size;
  }

  create(appId: number, userId: number, nonce: number, ts: number, now: number): SessionRecord {
    const s: SessionRecord = {
      id: ++this.lastId,
      token: this.flavour === 'connectycube' ? randomBytes(18).toString('hex').toUpperCase() : randomBytes(20).toString('hex'),
      appId,
      userId,
      nonce,
      ts,
      createdAt: now,
      updatedAt: now,
      lastActivity: now,
    };
    this.byToken.set(s.token, s);
    return s;
  }

  /** The live session of `token`; an expired one is dropped and reads as absent. */
  find(token: string, now: number, ttlMs: (s: SessionRecord) => number): SessionRecord | undefined {
    const s = this.byToken.get(token);
    if (s && now > s.lastActivity + ttlMs(s)) {
      this.byToken.delete(token);
      return undefined;
    }
    return s;
  }

  destroy(s: SessionRecord): void {
    this.byToken.delete(s.token);
  }

  /** Ends the sessions of a deleted user. */
  destroyForUser(appId: number, userId: number): void {
    for (const s of this.byToken.values()) if (s.appId === appId && s.userId === userId) this.byToken.delete(s.token);
  }

  /** The admin fault "forced expiry": every token stops working at once. */
  expireAll(): number {
    const n = this.byToken.size;
    this.byToken.clear();
    return n;
  }
}
