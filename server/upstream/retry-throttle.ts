/** gRPC's retry throttling (proposal A6) as a token count shared by every request of the gateway. */
export interface RetryThrottle {
  /** Whether a budgeted retry may go now. */
  allows(): boolean;
  failed(): void;
  succeeded(): void;
}

export function createRetryThrottle({ maxTokens, tokenRatio }: { maxTokens: number; tokenRatio: number }): RetryThrottle {
  let tokens: number = maxTokens;
  return {
    allows: () => tokens > maxTokens / 2,
    failed() {
      tokens = Math.max(0, tokens - 1);
    },
    succeeded() {
      tokens = Math.min(maxTokens, tokens + tokenRatio);
    },
  };
}
