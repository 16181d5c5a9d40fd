import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { root } from './dev-gateway';
import { metricNamesIn, unexported } from './metric-names';

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
  const named = metricNamesIn(readFileSync(join(dir, rules), 'utf8'));
  expect(await unexported(named)).toEqual([]);
  expect(named.size).toBeGreaterThanOrEqual(5);
});
