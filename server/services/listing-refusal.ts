import { UpstreamError } from '../upstream/upstream-error';

/**
 * What the gateway remembers of an application that refused to list users
 * ("Allow to retrieve a list of users via API" unticked on QuickBlox,
 * ConnectyCube's "Users retrieving forbidden"): while it holds, lookups are
 * never merged into a list request; once it lapses, the next merged request
 * tries again.
 */
export interface ListingRefusal {
  /** Whether merged lookups are off: a refusal seen within the recheck period. */
  holds(): boolean;
  /** The upstream refused a list read: go one by one for the recheck period. */
  remember(): void;
}

export function rememberListingRefusal(recheckMs: number, now: () => number = Date.now): ListingRefusal {
  let until = Number.NEGATIVE_INFINITY;
  return {
    holds: () => now() < until,
    remember() {
      until = now() + recheckMs;
    },
  };
}

/**
 * Whether `error`, the failure of a read that listed users, is the
 * application's listing setting: ConnectyCube's wording, or a bare 403 to a
 * list request whose lookups each succeed alone (QuickBlox says only
 * `Forbidden`, docs/quickblox-rest.md §5.4).
 */
export function refusedListing(error: unknown): boolean {
  const cause = error instanceof UpstreamError ? error : (error as { cause?: unknown } | undefined)?.cause;
  return cause instanceof UpstreamError && (cause.kind === 'listing_forbidden' || cause.kind === 'forbidden');
}
