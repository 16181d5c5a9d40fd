/**
 * The upstream's clock as seen from here. Session requests carry a timestamp
 * the upstream rejects when it is more than an hour off its own clock, so the
 * offset is learnt from the `Date` header of its responses. `Date` has
 * one-second resolution: an estimate within a second of the current offset
 * is noise and is ignored.
 */
export interface UpstreamClock {
  /** The upstream's current time in ms. */
  now(): number;
  /** Upstream time minus local time, in ms. */
  offsetMs(): number;
  /** Learns from a response's `Date` header; true when the offset changed. */
  observe(dateHeader: string | undefined): boolean;
}

export function createUpstreamClock(localNow: () => number = Date.now): UpstreamClock {
  let offset = 0;
  let lastHeader = '';
  return {
    now: () => localNow() + offset,
    offsetMs: () => offset,
    observe(dateHeader) {
      if (!dateHeader || dateHeader === lastHeader) return false;
      lastHeader = dateHeader;
      const upstream = Date.parse(dateHeader);
      if (Number.isNaN(upstream)) return false;
      // The upstream's true time lies within [Date, Date + 1 s): take the middle.
      const estimate = upstream + 500 - localNow();
      if (Math.abs(estimate - offset) <= 1000) return false;
      offset = estimate;
      return true;
    },
  };
}
