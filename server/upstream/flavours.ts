import type { UpstreamName } from '../config/upstream-names';
import { connectyCubeFlavour } from './connectycube-flavour';
import type { Flavour } from './flavour';
import { quickbloxFlavour } from './quickblox-flavour';

/** Each upstream's flavour, by the name QB_UPSTREAM takes. */
export const flavours: Readonly<Record<UpstreamName, Flavour>> = {
  quickblox: quickbloxFlavour,
  connectycube: connectyCubeFlavour,
};
