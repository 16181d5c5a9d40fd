import type { UpstreamName } from '../config/upstream-names';
import { connectycube } from './connectycube';
import type { FlavourKit } from './flavour-kit';
import { quickblox } from './quickblox';

/**
 * Every upstream the gateway speaks, by the name the configuration gives it
 * (config/upstream-names.ts): a third is one folder beside these and one line
 * here.
 */
export const flavours: Readonly<Record<UpstreamName, FlavourKit>> = {
  quickblox,
  connectycube,
};
