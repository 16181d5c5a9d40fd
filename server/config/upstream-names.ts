/** The upstreams the gateway speaks to (QB_UPSTREAM): one gRPC contract in front of both. */
export const upstreamNames = ['quickblox', 'connectycube'] as const;
export type UpstreamName = (typeof upstreamNames)[number];

/** The origin QB_API_ENDPOINT defaults to, per upstream. */
export const defaultEndpoints: Readonly<Record<UpstreamName, string>> = {
  quickblox: 'https://api.quickblox.com',
  connectycube: 'https://api.connectycube.com',
};
