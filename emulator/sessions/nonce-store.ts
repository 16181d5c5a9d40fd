/** The timestamp window of docs/quickblox-rest.md §3.3, in seconds; replays are remembered for as long. */
export const timestampWindowSeconds = 3600;

/**
 * The (timestamp, nonce) pairs one application has used. A pair is refused
 * a second time; pairs are forgotten once their timestamp is outside the
 * window, where the timestamp check refuses them anyway.
 */
export class NonceStore {
  private readonly byTimestamp = new Map<number, Set<number>>();
  private lastPrune = 0;

  /** Records the pair; false when it was used before. */
  claim(ts: number, nonce: number, nowSeconds: number): boolean {
    this.prune(nowSeconds);
    let nonces = this.byTimestamp.get(ts);
    if (!nonces) {
      nonces = new Set();
      this.byTimestamp.set(ts, nonces);
    }
    if (nonces.has(nonce)) return false;
    nonces.add(nonce);
    return true;
  }

  private prune(nowSeconds: number): void {
    if (nowSeconds - this.lastPrune < 60) return;
    this.lastPrune = nowSeconds;
    for (const ts of this.byTimestamp.keys()) {
      if (ts < nowSeconds - timestampWindowSeconds) this.byTimestamp.delete(ts);
    }
  }
}
