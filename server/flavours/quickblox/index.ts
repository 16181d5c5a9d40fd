import type { FlavourKit } from '../flavour-kit';
import { quickbloxFlavour } from './flavour';
import { quickbloxUserReads } from './user-reads';

/** QuickBlox (docs/quickblox-rest.md). */
export const quickblox: FlavourKit = { flavour: quickbloxFlavour, userReads: quickbloxUserReads };
