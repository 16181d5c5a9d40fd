/** The upstreams the gateway speaks to (QB_UPSTREAM): one gRPC contract in front of both. */
export const upstreamNames = ['quickblox', 'connectycube'] as const;
export type UpstreamName = (typeof upstreamNames)[number];

/**
 * What the configuration must know of each upstream to check its variables;
 * everything else about one is its folder under server/flavours/.
 */
export interface UpstreamFacts {
  /** For messages: `QB_AUTH_SECRET is required (QuickBlox signs …)`. */
  title: string;
  /** The origin QB_API_ENDPOINT defaults to. */
  defaultEndpoint: string;
  /** `required`: every session request is signed; `optional`: signed only when QB_AUTH_SECRET is set. */
  authSecret: 'required' | 'optional';
  /** Whether it has a server API key (QB_API_KEY) for the account owner's powers. */
  apiKey: boolean;
}

export const upstreamFacts: Readonly<Record<UpstreamName, UpstreamFacts>> = {
  quickblox: { title: 'QuickBlox', defaultEndpoint: 'https://api.quickblox.com', authSecret: 'required', apiKey: true },
  connectycube: { title: 'ConnectyCube', defaultEndpoint: 'https://api.connectycube.com', authSecret: 'optional', apiKey: false },
};
