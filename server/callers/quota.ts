/** A caller's quota of calls per second. */
export interface Quota {
  /** Takes a call's place: undefined when it fits, else how many ms until it would. */
  take(): number | undefined;
}

/**
 * At most `perSecond` calls in any one second: a ring of the last
 * `perSecond` call times. It never waits: a call over it is refused.
 */
export function createQuota(perSecond: number, now: () => number = Date.now): Quota {
  const times = new Array<number>(perSecond).fill(Number.NEGATIVE_INFINITY);
  let oldest = 0;
  return {
    take() {
      const t = now();
      const fitsAt = (times[oldest] ?? Number.NEGATIVE_INFINITY) + 1000;
      if (fitsAt > t) return fitsAt - t;
      times[oldest] = t;
      oldest = (oldest + 1) % perSecond;
      return undefined;
    },
  };
}
