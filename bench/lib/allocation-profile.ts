import { area, frameName } from './cpu-profile';

/** V8's sampling heap profile (HeapProfiler.stopSampling), as the DevTools protocol gives it. */
export interface SamplingHeapProfile {
  head: HeapNode;
}

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  /** Bytes allocated by this frame itself, the sampling scaled up to an estimate of all it allocated. */
  selfSize: number;
  children: HeapNode[];
}

export interface AllocationSummary {
  totalBytes: number;
  /** Share of the bytes, by where the allocating code comes from. */
  byArea: { area: string; share: number }[];
  /** Share of the bytes, by allocating function. */
  hottest: { fn: string; share: number }[];
}

/**
 * Summarises an allocation profile taken with the objects collected by GC
 * kept in (`includeObjectsCollectedByMajorGC` and `…MinorGC`): what the code
 * allocated during the window, garbage included, by area and by function.
 */
export function summariseAllocations(profile: SamplingHeapProfile): AllocationSummary {
  const byArea = new Map<string, number>();
  const byFn = new Map<string, number>();
  let total = 0;
  const stack = [profile.head];
  for (let node = stack.pop(); node; node = stack.pop()) {
    stack.push(...node.children);
    if (node.selfSize === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    total += node.selfSize;
    const where = area(url, functionName);
    byArea.set(where, (byArea.get(where) ?? 0) + node.selfSize);
    const fn = frameName(functionName, url, lineNumber);
    byFn.set(fn, (byFn.get(fn) ?? 0) + node.selfSize);
  }
  const ranked = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).map(([k, bytes]) => [k, bytes / Math.max(1, total)] as const);
  return {
    totalBytes: total,
    byArea: ranked(byArea).map(([a, share]) => ({ area: a, share })),
    hottest: ranked(byFn)
      .slice(0, 20)
      .map(([fn, share]) => ({ fn, share })),
  };
}
