import type { UpstreamName } from '../config/upstream-names';
import { connectyCubeUserReads } from './connectycube-user-reads';
import { quickbloxUserReads } from './quickblox-user-reads';
import type { UserReads } from './user-reads';

/** Each upstream's way of reading users. */
export const userReadsFor: Readonly<Record<UpstreamName, UserReads>> = {
  quickblox: quickbloxUserReads,
  connectycube: connectyCubeUserReads,
};
