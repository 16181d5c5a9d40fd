import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { root } from './dev-gateway';
import { goTool } from './tools';

const run = promisify(execFile);
const chart = join(root, 'deploy/helm/qb-grpc-gateway');
const secret = { QB_AUTH_KEY: 'chart-auth-key-123', QB_AUTH_SECRET: 'chart-auth-secret-456', REDIS_ENCRYPTION_KEY: 'chart-redis-key-of-32-characters-x' };
const policy = 'callers:\n  - name: orders\n    bearerKeySha256: "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"\n    methods: ["*"]\n';

interface Manifest {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  spec?: Record<string, unknown>;
}

/** `helm template` with the real helm (.ci/run installs it), parsed. */
async function template(...sets: string[]): Promise<{ text: string; manifests: Manifest[] }> {
  const { stdout } = await run(goTool('helm'), ['template', 'gw', chart, ...sets.flatMap((s) => ['--set', s])]);
  return {
    text: stdout,
    manifests: parseAllDocuments(stdout)
      .map((d) => d.toJS() as Manifest)
      .filter(Boolean),
  };
}

const withSecrets = [
  'config.QB_APPLICATION_ID=12345',
  ...Object.entries(secret).map(([k, v]) => `secrets.${k}=${v}`),
  'secrets.REDIS_URL=redis://redis:6379',
  `policy.files.policy\\.yaml=${policy}`,
  'serviceMonitor.enabled=true',
];

it('passes helm lint --strict', async () => {
  const { stdout } = await run(goTool('helm'), ['lint', '--strict', chart, ...withSecrets.flatMap((s) => ['--set', s])]);
  expect(stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
});

it('renders a Deployment with gRPC probes on the gRPC port, non-root and read-only, and its companions', async () => {
  const { manifests } = await template(...withSecrets);
  expect(manifests.map((m) => m.kind).sort()).toEqual(
    ['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Secret', 'Secret', 'Service', 'ServiceMonitor'].sort(),
  );
  const deployment = manifests.find((m) => m.kind === 'Deployment')!;
  const pod = (deployment.spec as { template: { spec: Record<string, unknown> } }).template.spec as {
    securityContext: { runAsNonRoot: boolean };
    containers: Record<string, unknown>[];
  };
  const container = pod.containers[0] as Record<string, { grpc?: { port: number; service: string } } | unknown>;
  expect(pod.securityContext.runAsNonRoot).toBe(true);
  expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
  expect(container.livenessProbe).toMatchObject({ grpc: { port: 50051, service: 'liveness' } });
  expect(container.readinessProbe).toMatchObject({ grpc: { port: 50051, service: '' } });
  expect(container.ports).toEqual([
    { name: 'grpc', containerPort: 50051, protocol: 'TCP' },
    { name: 'metrics', containerPort: 9464, protocol: 'TCP' },
  ]);
  const config = manifests.find((m) => m.kind === 'ConfigMap')!.data!;
  expect(config).toMatchObject({
    GRPC_PORT: '50051',
    METRICS_PORT: '9464',
    QB_APPLICATION_ID: '12345',
    GATEWAY_POLICY_FILE: '/etc/qb-grpc-gateway/policy/policy.yaml',
  });
  const monitor = manifests.find((m) => m.kind === 'ServiceMonitor')!;
  expect(monitor.spec).toMatchObject({ endpoints: [{ port: 'metrics', path: '/metrics' }] });
});

it('keeps every secret out of plain values: only base64 in Secrets, referenced from the pod', async () => {
  const { text, manifests } = await template(...withSecrets);
  for (const value of [...Object.values(secret), 'redis://redis:6379', '00112233445566778899aabbccddeeff']) expect(text).not.toContain(value);
  const secrets = manifests.filter((m) => m.kind === 'Secret');
  const decoded = Object.fromEntries(secrets.flatMap((s) => Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()])));
  expect(decoded).toMatchObject({ ...secret, REDIS_URL: 'redis://redis:6379', 'policy.yaml': policy });
  expect(text).toContain('secretRef:\n                name: gw-qb-grpc-gateway-secrets');
});

it('uses a Secret of your own instead, and renders none', async () => {
  const { manifests } = await template('secrets.existingSecret=gateway-credentials', 'policy.existingSecret=gateway-policy');
  expect(manifests.filter((m) => m.kind === 'Secret')).toEqual([]);
  const text = JSON.stringify(manifests.find((m) => m.kind === 'Deployment'));
  expect(text).toContain('"secretRef":{"name":"gateway-credentials"}');
  expect(text).toContain('"secretName":"gateway-policy"');
});

it('takes the applications file as a Secret, from values or one of your own, and leaves out the variables it replaces', async () => {
  // Block style: `helm --set` splits values at commas.
  const file =
    'default: main\napplications:\n  - name: main\n    upstream: quickblox\n    applicationId: 1\n    authKey: apps-auth-key-789\n    authSecret: apps-secret-012\n';
  const { text, manifests } = await template(`applications.file=${file}`, 'config.QB_APPLICATION_ID=12345');
  expect(text).not.toContain('apps-auth-key-789');
  const stored = manifests.find((m) => m.metadata.name === 'gw-qb-grpc-gateway-applications');
  expect(Buffer.from(stored?.data?.['applications.yaml'] ?? '', 'base64').toString()).toBe(file);
  const config = manifests.find((m) => m.kind === 'ConfigMap')?.data ?? {};
  expect(config.GATEWAY_APPLICATIONS_FILE).toBe('/etc/qb-grpc-gateway/applications/applications.yaml');
  expect(config).not.toHaveProperty('QB_UPSTREAM');
  expect(config).not.toHaveProperty('QB_APPLICATION_ID');
  const deployment = JSON.stringify(manifests.find((m) => m.kind === 'Deployment'));
  expect(deployment).toContain('"mountPath":"/etc/qb-grpc-gateway/applications","readOnly":true');
  expect(deployment).toContain('"secretName":"gw-qb-grpc-gateway-applications"');

  const own = await template('applications.existingSecret=gateway-applications');
  expect(own.manifests.some((m) => m.metadata.name === 'gw-qb-grpc-gateway-applications')).toBe(false);
  expect(JSON.stringify(own.manifests.find((m) => m.kind === 'Deployment'))).toContain('"secretName":"gateway-applications"');
});
