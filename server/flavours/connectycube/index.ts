import type { FlavourKit } from '../flavour-kit';
import { connectyCubeFlavour } from './flavour';
import { connectyCubeUserReads } from './user-reads';

/** ConnectyCube (docs/connectycube-rest.md). */
export const connectycube: FlavourKit = { flavour: connectyCubeFlavour, userReads: connectyCubeUserReads };
