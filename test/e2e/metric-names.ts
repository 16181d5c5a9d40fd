import { request } from 'undici';
import { startDevGateway } from './dev-gateway';

/** The metric names a PromQL text selects: a histogram's `_bucket`, `_count` and `_sum` series count as their base. */
export function metricNamesIn(promql: string): Set<string> {
  return new Set([...promql.matchAll(/\b((?:qb|grpc_server|process)_[a-z_]+?)(?:_bucket|_count|_sum)?\b(?=[{[\s)])/g)].map((m) => m[1]!));
}

/** Those of `names` that a live `npm run dev` gateway does not export (its /metrics `# TYPE` lines). */
export async function unexported(names: Set<string>): Promise<string[]> {
  const gateway = await startDevGateway();
  try {
    const scraped = await (await request(`http://${gateway.operator}/metrics`)).body.text();
    const exported = new Set([...scraped.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
    return [...names].filter((name) => !exported.has(name));
  } finally {
    await gateway.stop();
  }
}
