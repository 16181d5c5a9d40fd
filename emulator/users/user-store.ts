import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { fieldErrors } from '../api-error';
import type { Flavour } from '../config';
import type { UserPatch } from './user-input';
import type { UserRecord } from './user-record';

/** Unique keys and the field each error is reported under. */
const uniqueKeys = ['login', 'email', 'facebook_id', 'twitter_id', 'external_user_id'] as const;
type UniqueKey = (typeof uniqueKeys)[number];

function hashPassword(password: string, salt = randomBytes(8).toString('hex')): string {
  return `${salt}:${createHash('sha256').update(salt).update(password, 'utf8').digest('hex')}`;
}

function indexKey(key: UniqueKey, value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  // Emails are unique and found regardless of case; logins exactly as written.
  return key === 'email' ? String(value).toLowerCase() : String(value);
}

/**
 * The users of one application, in memory, with an index per unique key so
 * that every lookup the API offers is a map read.
 */
export class UserStore {
  readonly byId = new Map<number, UserRecord>();
  private readonly indexes = new Map<UniqueKey, Map<string, UserRecord>>(uniqueKeys.map((k) => [k, new Map()]));
  private readonly byIdentityUid = new Map<string, UserRecord>();

  constructor(
    readonly appId: number,
    private readonly nextId: () => number,
    private readonly flavour: Flavour = 'quickblox',
  ) {}

  find(key: UniqueKey, value: string | number): UserRecord | undefined {
    const k = indexKey(key, value);
    return k === undefined ? undefined : this.indexes.get(key)?.get(k);
  }

  findByIdentityUid(uid: string): UserRecord | undefined {
    return this.byIdentityUid.get(uid);
  }

  /** Stores a new user; 422 with the upstream's field errors when a unique key is taken. */
  create(patch: UserPatch, now: number, identityUid: string | null = null, guest = false): UserRecord {
    this.assertUnique(patch, undefined);
    const user: UserRecord = {
      id: this.nextId(),
      appId: this.appId,
      login: patch.login ?? null,
      email: patch.email ?? null,
      full_name: patch.full_name ?? null,
      phone: patch.phone ?? null,
      website: patch.website ?? null,
      created_at: now,
      updated_at: now,
      last_request_at: null,
      external_user_id: patch.external_user_id ?? null,
      facebook_id: patch.facebook_id ?? null,
      twitter_id: patch.twitter_id ?? null,
      blob_id: patch.blob_id ?? null,
      custom_data: patch.custom_data ?? null,
      user_tags: patch.user_tags ?? null,
      age_over16: patch.age_over16 ?? false,
      allow_statistics_analysis: patch.allow_statistics_analysis ?? false,
      allow_sales_activities: patch.allow_sales_activities ?? false,
      parents_contacts: patch.parents_contacts ?? '',
      external_id: patch.external_id ?? null,
      avatar: patch.avatar ?? null,
      timezone: patch.timezone ?? null,
      is_guest: guest,
      flavour: this.flavour,
      passwordHash: patch.password === undefined ? null : hashPassword(patch.password),
      identityUid,
      json: null,
    };
    this.byId.set(user.id, user);
    this.index(user);
    if (identityUid !== null) this.byIdentityUid.set(identityUid, user);
    return user;
  }

  /** Applies a patch (the password already checked by the caller); 422 when a unique key is taken. */
  update(user: UserRecord, patch: UserPatch, now: number): void {
    this.assertUnique(patch, user);
    this.unindex(user);
    const { password, old_password: _old, ...fields } = patch;
    Object.assign(user, fields);
    if (password !== undefined) user.passwordHash = hashPassword(password);
    user.updated_at = now;
    user.json = null;
    this.index(user);
  }

  delete(user: UserRecord): void {
    this.unindex(user);
    this.byId.delete(user.id);
    if (user.identityUid !== null) this.byIdentityUid.delete(user.identityUid);
  }

  passwordMatches(user: UserRecord, password: string): boolean {
    if (user.passwordHash === null) return false;
    const [salt] = user.passwordHash.split(':');
    const a = Buffer.from(hashPassword(password, salt));
    const b = Buffer.from(user.passwordHash);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** Records a request made by the user's session, to the second as the API shows it. */
  touch(user: UserRecord, now: number): void {
    const second = Math.floor(now / 1000) * 1000;
    if (user.last_request_at !== second) {
      user.last_request_at = second;
      user.json = null;
    }
  }

  private assertUnique(patch: UserPatch, self: UserRecord | undefined): void {
    const errors: Record<string, string[]> = {};
    for (const key of uniqueKeys) {
      const value = patch[key];
      if (value === undefined || value === null) continue;
      const holder = this.find(key, value);
      if (holder && holder !== self) errors[key] = ['has already been taken'];
    }
    if (Object.keys(errors).length) throw fieldErrors(422, errors);
  }

  private index(user: UserRecord): void {
    for (const key of uniqueKeys) {
      const k = indexKey(key, user[key]);
      if (k !== undefined) this.indexes.get(key)?.set(k, user);
    }
  }

  private unindex(user: UserRecord): void {
    for (const key of uniqueKeys) {
      const k = indexKey(key, user[key]);
      const index = this.indexes.get(key);
      if (k !== undefined && index?.get(k) === user) index.delete(k);
    }
  }
}
