import { type Clock, systemClock } from './clock';
import {
  type ApplicationConfig,
  type AppSettings,
  connectyCubeAppSettings,
  defaultAppSettings,
  type EmulatorConfig,
  type Faults,
  type Flavour,
  noFaults,
  type SeedUser,
} from './config';
import { createRateLimiter } from './rate-limit';
import { NonceStore } from './sessions/nonce-store';
import { SessionStore } from './sessions/session-store';
import { parseUserInput } from './users/user-input';
import type { UserRecord } from './users/user-record';
import { UserStore } from './users/user-store';

export interface AppState {
  config: ApplicationConfig;
  settings: AppSettings;
  users: UserStore;
  nonces: NonceStore;
  blobIds: Set<number>;
}

/** One line of the request log the admin endpoint shows to tests. */
export interface LoggedRequest {
  at: number;
  method: string;
  route: string;
  path: string;
  /** The raw query string, as received. */
  query?: string;
  status: number;
  traceparent?: string;
}

/** A password-reset email the emulator "sent". */
export interface SentMail {
  at: number;
  appId: number;
  email: string;
}

const requestLogSize = 1000;

/** Everything the emulator knows; routes and the admin endpoint read and change it. */
export class EmulatorState {
  readonly flavour: Flavour;
  readonly apps = new Map<number, AppState>();
  readonly sessions: SessionStore;
  readonly outbox: SentMail[] = [];
  /** Answers by `METHOD /route/{template}` and status. */
  readonly counts = new Map<string, Map<number, number>>();
  readonly requestLog: LoggedRequest[] = [];
  /** Every request recorded, however long ago (the log keeps the last 1000). */
  received = 0;
  /** Requests strict mode refused, with what was wrong (keys only, never values). */
  readonly malformed: { route: string; problems: string[] }[] = [];
  strictRequests = false;
  faults: Faults;
  faultMatch: RegExp | undefined;
  rateLimitPerSecond: number;
  readonly allowRequest = createRateLimiter(() => this.rateLimitPerSecond);
  private readonly baseClock: Clock;
  private lastUserId = 96_752_797;

  constructor(config: Pick<EmulatorConfig, 'applications' | 'rateLimitPerSecond' | 'faults' | 'clock' | 'flavour'>) {
    this.flavour = config.flavour ?? 'quickblox';
    this.sessions = new SessionStore(this.flavour);
    this.baseClock = config.clock ?? systemClock;
    this.rateLimitPerSecond = config.rateLimitPerSecond;
    this.faults = { ...noFaults };
    this.setFaults(config.faults);
    for (const app of config.applications) this.addApplication(app);
  }

  /** The emulator's time: the base clock plus the injected clock offset. */
  now(): number {
    return this.baseClock.now() + this.faults.clockOffsetMs;
  }

  setFaults(patch: Partial<Faults>): Faults {
    this.faults = { ...this.faults, ...patch };
    this.faultMatch = this.faults.match ? new RegExp(this.faults.match) : undefined;
    return this.faults;
  }

  addApplication(config: ApplicationConfig): AppState {
    if (this.apps.has(config.id)) throw new Error(`application ${config.id} exists already`);
    const app: AppState = {
      config,
      settings: { ...defaultAppSettings, ...(this.flavour === 'connectycube' ? connectyCubeAppSettings : {}), ...config.settings },
      users: new UserStore(config.id, () => ++this.lastUserId, this.flavour),
      nonces: new NonceStore(),
      blobIds: new Set(config.blobIds ?? []),
    };
    this.apps.set(config.id, app);
    for (const seed of config.users ?? []) this.seedUser(app, seed);
    return app;
  }

  /** Creates a user as sign-up would, with the same validation. */
  seedUser(app: AppState, seed: SeedUser): UserRecord {
    const { tags, ...rest } = seed;
    const fields = new Map<string, string>();
    for (const [k, v] of Object.entries(rest)) if (v !== undefined) fields.set(k, String(v));
    if (tags) fields.set('tag_list', tags.join(','));
    return app.users.create(
      parseUserInput(fields, (id) => app.blobIds.has(id)),
      this.now(),
    );
  }

  appByApiKey(key: string): AppState | undefined {
    for (const app of this.apps.values()) if (app.config.apiKey !== undefined && app.config.apiKey === key) return app;
    return undefined;
  }

  appByAccountKey(key: string): AppState | undefined {
    for (const app of this.apps.values()) if (app.config.accountKey !== undefined && app.config.accountKey === key) return app;
    return undefined;
  }

  ttlMs = (appId: number): number => (this.apps.get(appId)?.settings.sessionTtlSeconds ?? 7200) * 1000;

  /** How long `session` lives after its last use: a guest's day, or its application's TTL. */
  sessionTtlMs = (session: { appId: number; ttlMs?: number }): number => session.ttlMs ?? this.ttlMs(session.appId);

  /** The header a session token travels in. */
  get tokenHeader(): string {
    return this.flavour === 'connectycube' ? 'cb-token' : 'qb-token';
  }

  record(entry: LoggedRequest): void {
    let byStatus = this.counts.get(entry.route);
    if (!byStatus) {
      byStatus = new Map();
      this.counts.set(entry.route, byStatus);
    }
    byStatus.set(entry.status, (byStatus.get(entry.status) ?? 0) + 1);
    this.received++;
    this.requestLog.push(entry);
    if (this.requestLog.length > requestLogSize) this.requestLog.splice(0, this.requestLog.length - requestLogSize);
  }

  /** How many requests `route` answered (with `status`, if given). */
  count(route: string, status?: number): number {
    const byStatus = this.counts.get(route);
    if (!byStatus) return 0;
    if (status !== undefined) return byStatus.get(status) ?? 0;
    let n = 0;
    for (const c of byStatus.values()) n += c;
    return n;
  }

  resetStats(): void {
    this.counts.clear();
    this.requestLog.length = 0;
  }
}
