/**
 * QuickBlox counts API calls per application per second (docs/quickblox-rest.md §7). A
 * fixed one-second window per application: simple, and what "N requests per
 * second" means to the people who configure it.
 */
export function createRateLimiter(limitPerSecond: () => number) {
  const windows = new Map<number, { second: number; count: number }>();
  return function allow(appId: number, nowMs: number): boolean {
    const limit = limitPerSecond();
    if (limit <= 0) return true;
    const second = Math.floor(nowMs / 1000);
    let w = windows.get(appId);
    if (!w || w.second !== second) {
      w = { second, count: 0 };
      windows.set(appId, w);
    }
    return ++w.count <= limit;
  };
}
