import type { ApplicationConfig, AppSettings, Faults, SeedUser } from './config';
import type { EmulatorState } from './state';
import { userObject } from './users/user-record';

export interface AdminReply {
  status: number;
  body: unknown;
}

/**
 * The admin endpoint under `/__admin/` that tests and benchmarks use to seed
 * data, inject faults and read what the emulator saw. Not part of the
 * QuickBlox API; unauthenticated, so bind the emulator to loopback.
 */
export function handleAdmin(state: EmulatorState, method: string, path: string, body: unknown): AdminReply {
  const route = `${method} ${path.replace(/\/\d+(?=\/|$)/g, '/{id}')}`;
  const appOf = () => {
    const id = Number(/\/applications\/(\d+)/.exec(path)?.[1]);
    const app = state.apps.get(id);
    if (!app) throw new AdminError(404, `no application ${id}`);
    return app;
  };
  const input = <T>() => (body ?? {}) as T;

  switch (route) {
    case 'GET /__admin/state':
      return ok({
        now: new Date(state.now()).toISOString(),
        faults: state.faults,
        rateLimitPerSecond: state.rateLimitPerSecond,
        sessions: state.sessions.size,
        applications: [...state.apps.values()].map((a) => ({ id: a.config.id, settings: a.settings, users: a.users.byId.size })),
      });
    case 'PATCH /__admin/faults':
      return ok(state.setFaults(input<Partial<Faults>>()));
    case 'PUT /__admin/rate-limit':
      state.rateLimitPerSecond = Number(input<{ perSecond: number }>().perSecond) || 0;
      return ok({ rateLimitPerSecond: state.rateLimitPerSecond });
    case 'POST /__admin/sessions/expire':
      return ok({ expired: state.sessions.expireAll() });
    case 'POST /__admin/applications':
      return { status: 201, body: { id: state.addApplication(input<ApplicationConfig>()).config.id } };
    case 'PATCH /__admin/applications/{id}/settings': {
      const app = appOf();
      Object.assign(app.settings, input<Partial<AppSettings>>());
      return ok(app.settings);
    }
    case 'POST /__admin/applications/{id}/users':
      return { status: 201, body: { user: userObject(state.seedUser(appOf(), input<SeedUser>())) } };
    case 'POST /__admin/applications/{id}/blobs': {
      const app = appOf();
      for (const id of input<{ ids: number[] }>().ids ?? []) app.blobIds.add(id);
      return ok({ blobIds: [...app.blobIds] });
    }
    case 'GET /__admin/stats':
      return ok({
        requests: Object.fromEntries([...state.counts].map(([r, byStatus]) => [r, Object.fromEntries(byStatus)])),
      });
    case 'POST /__admin/stats/reset':
      state.resetStats();
      return ok({});
    case 'GET /__admin/requests':
      return ok({ requests: state.requestLog });
    case 'GET /__admin/outbox':
      return ok({ mails: state.outbox });
    default:
      throw new AdminError(404, `no admin route ${method} ${path}`);
  }
}

const ok = (body: unknown): AdminReply => ({ status: 200, body });

export class AdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
