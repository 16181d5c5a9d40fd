import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  /** Sampled ms inside the window, idle included. */
  totalMs: number;
  /** Share of the busy (not idle) samples, by where the code comes from. */
  byArea: { area: string; share: number }[];
  /** Share of the busy samples, by function (self time). */
  hottest: { fn: string; share: number }[];
  idleShare: number;
}

/** Where a frame's code comes from: a package, the gateway, its generated code, Node itself, or V8's own buckets. */
export function area(url: string, name: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.includes('/dist/server/')) return 'gateway code';
  if (url.includes('/dist/gen/')) return 'generated code';
  if (url.startsWith('node:')) return 'Node internals (JS)';
  if (name.startsWith('(')) return name;
  return 'native (TLS, HTTP/2, syscalls)';
}

/** A frame as the summaries name it: the function, and its file and line relative to node_modules or dist. */
export function frameName(functionName: string, url: string, lineNumber: number): string {
  const shortUrl = url.replace(/.*node_modules\//, '').replace(/.*\/dist\//, '');
  return `${functionName || '(anonymous)'}${shortUrl ? ` ${shortUrl}:${lineNumber + 1}` : ''}`;
}

/**
 * Summarises a `node --cpu-prof` profile by self time, keeping only the
 * samples taken between `fromUs` and `toUs` (monotonic µs, the clock of
 * `process.hrtime`), so that start-up and warm-up do not count.
 */
export function summariseProfile(file: string, fromUs: number, toUs: number): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  for (const [i, id] of profile.samples.entries()) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at < fromUs || at > toUs) continue;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  }
  const byArea = new Map<string, number>();
  const byFn = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
    total += us;
    if (functionName === '(idle)') {
      idle += us;
      continue;
    }
    const where = area(url, functionName);
    byArea.set(where, (byArea.get(where) ?? 0) + us);
    const fn = frameName(functionName, url, lineNumber);
    byFn.set(fn, (byFn.get(fn) ?? 0) + us);
  }
  const busy = Math.max(1, total - idle);
  const ranked = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).map(([k, us]) => [k, us / busy] as const);
  return {
    totalMs: total / 1000,
    idleShare: idle / Math.max(1, total),
    byArea: ranked(byArea).map(([a, share]) => ({ area: a, share })),
    hottest: ranked(byFn)
      .slice(0, 25)
      .map(([fn, share]) => ({ fn, share })),
  };
}
