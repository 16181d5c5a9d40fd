import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { request } from 'undici';
import { root, startDevGateway } from './dev-gateway';

const run = promisify(execFile);
const dir = join(root, 'deploy/prometheus');
const rules = 'qb-grpc-gateway.rules.yml';

/** The alerting and recording rules, with the real promtool (.ci/run installs the prometheus package, which has it). */
it('pass promtool check rules', async () => {
  const { stdout } = await run('promtool', ['check', 'rules', rules], { cwd: dir });
  expect(stdout).toMatch(/SUCCESS: \d+ rules found/);
});

it('pass their unit tests: each alert fires on the series that should raise it and stays silent on healthy ones', async () => {
  const { stdout } = await run('promtool', ['test', 'rules', 'qb-grpc-gateway.rules.test.yml'], { cwd: dir });
  expect(stdout).toContain('SUCCESS');
});

it('name only metrics a live gateway exports', async () => {
  const text = readFileSync(join(dir, rules), 'utf8');
  // Histogram series (_bucket, _count) belong to their base metric; `up` is Prometheus's own.
  const named = new Set([...text.matchAll(/\b((?:qb|grpc_server)_[a-z_]+?)(?:_bucket|_count|_sum)?\b(?=[{[\s)])/g)].map((m) => m[1]!));
  const gateway = await startDevGateway();
  try {
    const scraped = await (await request(`http://${gateway.operator}/metrics`)).body.text();
    const exported = new Set([...scraped.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
    expect([...named].filter((name) => !exported.has(name))).toEqual([]);
    expect(named.size).toBeGreaterThanOrEqual(5);
  } finally {
    await gateway.stop();
  }
});
