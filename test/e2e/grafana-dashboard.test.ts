import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { root } from './dev-gateway';
import { metricNamesIn, unexported } from './metric-names';

const run = promisify(execFile);

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: { expr: string; refId: string }[];
}
const dashboard = JSON.parse(readFileSync(join(root, 'deploy/grafana/qb-grpc-gateway.json'), 'utf8')) as { uid: string; panels: Panel[] };
const queries = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

/** Grafana's reference to the dashboard's datasource variable (built so that no string reads as a template). */
const datasourceVariable = ['$', '{datasource}'].join('');

/** A query as Prometheus receives it from Grafana: the dashboard's variables filled in. */
const asSent = (expr: string) => expr.replaceAll('$__rate_interval', '5m').replaceAll('$job', 'qb-grpc-gateway').replaceAll('$application', '.+');

it('has panels with unique ids, each query on the datasource variable', () => {
  expect(dashboard.uid).toBe('qb-grpc-gateway');
  const ids = dashboard.panels.map((p) => p.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
    expect(panel.datasource?.uid).toBe(datasourceVariable);
    expect(panel.targets?.length).toBeGreaterThan(0);
  }
  expect(queries.length).toBeGreaterThanOrEqual(15);
});

it('has only queries that parse: promtool checks each as a recording rule', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'qb-dashboard-'));
  const rules = queries.map((q, i) => `      - record: dashboard:query_${i}\n        expr: ${JSON.stringify(asSent(q.expr))}`);
  writeFileSync(join(dir, 'dashboard.rules.yml'), `groups:\n  - name: dashboard\n    rules:\n${rules.join('\n')}\n`);
  const { stdout } = await run('promtool', ['check', 'rules', 'dashboard.rules.yml'], { cwd: dir });
  expect(stdout).toContain(`SUCCESS: ${queries.length} rules found`);
});

it('names only metrics a live gateway exports', async () => {
  const named = metricNamesIn(queries.map((q) => q.expr).join('\n'));
  expect(await unexported(named)).toEqual([]);
  expect(named.size).toBeGreaterThanOrEqual(15);
});

it('filters every per-application series by the application variable', () => {
  const perApplication = queries.filter((q) => /qb_(?!shared_store_up\b)\w+\{/.test(q.expr));
  expect(perApplication.length).toBeGreaterThanOrEqual(15);
  for (const q of perApplication)
    expect({ panel: q.panel, filtered: q.expr.includes('application=~"$application"') }).toEqual({ panel: q.panel, filtered: true });
});
