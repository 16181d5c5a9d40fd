/** Why the gateway is not ready to serve, if it is not. */
export type ReadinessState = { ready: true } | { ready: false; reason: 'starting' | 'misconfigured' | 'draining'; detail: string };

export interface Readiness {
  state(): ReadinessState;
  /** The upstream accepted the gateway's credentials (an application session was created). */
  upstreamAccepted(): void;
  /** The upstream rejected the gateway's own configuration (bad secret, unknown application). */
  misconfigured(detail: string): void;
  /** Shutting down: stays not ready for good. */
  draining(): void;
  /** Calls `listener` on every change; the returned function stops that. */
  onChange(listener: (state: ReadinessState) => void): () => void;
}

/**
 * Whether this gateway should receive traffic. Not ready until the upstream
 * has accepted its credentials once; not ready while the upstream rejects
 * them (a misconfiguration is the operator's to fix, not the callers'); not
 * ready for good once draining.
 */
export function createReadiness(): Readiness {
  let current: ReadinessState = { ready: false, reason: 'starting', detail: 'no application session created yet' };
  const listeners = new Set<(state: ReadinessState) => void>();
  function set(next: ReadinessState): void {
    if (!current.ready && current.reason === 'draining') return;
    const changed = describe(next) !== describe(current);
    current = next;
    if (changed) for (const l of listeners) l(next);
  }
  return {
    state: () => current,
    upstreamAccepted: () => set({ ready: true }),
    misconfigured: (detail) => set({ ready: false, reason: 'misconfigured', detail }),
    draining: () => set({ ready: false, reason: 'draining', detail: 'shutting down' }),
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

function describe(state: ReadinessState): string {
  return state.ready ? 'ready' : `${state.reason}: ${state.detail}`;
}
