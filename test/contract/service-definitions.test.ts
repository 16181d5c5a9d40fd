import type { DescService, FileRegistry } from '@bufbuild/protobuf';
import { MethodOptions_IdempotencyLevel } from '@bufbuild/protobuf/wkt';
import { SessionServiceDefinition } from '../../gen/quickblox/v1/session_service';
import { UserServiceDefinition } from '../../gen/quickblox/v1/user_service';
import { loadDescriptorSet, loadRegistry } from './descriptor-registry';

const registry: FileRegistry = loadRegistry();
const definitions = [SessionServiceDefinition, UserServiceDefinition];

// Reads: free of side effects, so client retry middleware may retry them.
const reads = ['GetSession', 'GetUser', 'GetUsers', 'FindUser', 'ListUsers'];

describe('the generated service definitions', () => {
  it.each(definitions.map((d) => [d.fullName, d] as const))('%s marks exactly its reads NO_SIDE_EFFECTS', (_n, def) => {
    for (const method of Object.values(def.methods)) {
      const level = (method.options as { idempotencyLevel?: string }).idempotencyLevel;
      expect([method.name, level === 'NO_SIDE_EFFECTS']).toEqual([method.name, reads.includes(method.name)]);
    }
  });

  it('marks Logout IDEMPOTENT (a repeated downgrade changes nothing)', () => {
    expect(SessionServiceDefinition.methods.logout.options).toEqual({ idempotencyLevel: 'IDEMPOTENT' });
  });

  it.each(definitions.map((d) => [d.fullName, d] as const))('%s matches the descriptor set served by reflection', (name, def) => {
    const service = registry.getService(name) as DescService;
    expect(Object.values(def.methods).map((m) => m.name)).toEqual(service.methods.map((m) => m.name));
    for (const m of service.methods) {
      const generated = Object.values(def.methods).find((g) => g.name === m.name)!;
      const isRead = m.idempotency === MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS;
      expect([m.name, isRead]).toEqual([m.name, (generated.options as { idempotencyLevel?: string }).idempotencyLevel === 'NO_SIDE_EFFECTS']);
    }
  });

  it('puts health and both reflection versions in the descriptor set so grpcurl can describe them', () => {
    for (const name of ['grpc.health.v1.Health', 'grpc.reflection.v1.ServerReflection', 'grpc.reflection.v1alpha.ServerReflection']) {
      expect(registry.getService(name)?.typeName).toBe(name);
    }
  });

  it('keeps a leading comment on every element of the contract (grpcurl describe shows them)', () => {
    const missing: string[] = [];
    for (const file of loadDescriptorSet().file.filter((f) => f.name.startsWith('quickblox/'))) {
      const documented = new Set((file.sourceCodeInfo?.location ?? []).filter((l) => l.leadingComments.trim() !== '').map((l) => l.path.join('.')));
      const need = (path: number[], what: string) => documented.has(path.join('.')) || missing.push(`${file.name}: ${what}`);
      file.messageType.forEach((m, i) => {
        need([4, i], m.name);
        for (const [j, f] of m.field.entries()) need([4, i, 2, j], `${m.name}.${f.name}`);
        m.oneofDecl.forEach((o, j) => {
          // proto3 `optional` makes a synthetic oneof per field: nothing to document.
          const synthetic = m.field.some((f) => f.oneofIndex === j && f.proto3Optional);
          if (!synthetic) need([4, i, 8, j], `${m.name}.${o.name}`);
        });
      });
      file.enumType.forEach((e, i) => {
        need([5, i], e.name);
        for (const [j, v] of e.value.entries()) need([5, i, 2, j], v.name);
      });
      file.service.forEach((s, i) => {
        need([6, i], s.name);
        for (const [j, m] of s.method.entries()) need([6, i, 2, j], `${s.name}.${m.name}`);
      });
    }
    expect(missing).toEqual([]);
  });
});
