import type { Feature, Flavour } from '../upstream/flavour';
import { unsupported } from './gateway-errors';

/** Throws UNIMPLEMENTED `UNSUPPORTED_BY_UPSTREAM` when the upstream lacks `feature`, which `field` of the request asked for. */
export function offered(flavour: Flavour, feature: Feature, field?: string): void {
  const lacks = flavour.lacks[feature];
  if (lacks !== undefined) throw unsupported(flavour, { feature, lacks, field });
}

/** The UNIMPLEMENTED of a feature the upstream is known to lack. */
export function notOffered(flavour: Flavour, feature: Feature, field?: string): never {
  offered(flavour, feature, field);
  throw unsupported(flavour, { feature, lacks: feature, field });
}
