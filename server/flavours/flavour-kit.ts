import type { UserReads } from '../mapping/user-reads';
import type { Flavour } from '../upstream/flavour';

/**
 * One upstream as the gateway speaks it, from its folder here: what the
 * pipeline needs (routes, headers, bodies, its wording of failures) and how
 * its REST API reads users. The services get both through their deps and
 * never import a flavour.
 */
export interface FlavourKit {
  flavour: Flavour;
  userReads: UserReads;
}
