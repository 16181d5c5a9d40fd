import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Server } from 'nice-grpc';
import { ServerReflection, ServerReflectionService } from 'nice-grpc-server-reflection';

/**
 * nice-grpc-server-reflection serves `grpc.reflection.v1` only; v1alpha is
 * wire-identical, so the same implementation is also registered under the
 * v1alpha path for clients that still ask for it (grpcui and Postman did as
 * of 2024; grpcurl tries v1 first).
 */
const ServerReflectionV1AlphaService = {
  serverReflectionInfo: {
    ...ServerReflectionService.serverReflectionInfo,
    path: '/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo',
  },
} as unknown as typeof ServerReflectionService;

/** The descriptor set `npm run generate` writes: from the sources (tests) or from dist/ (built). */
function descriptorSet(): Buffer {
  const candidates = [resolve(__dirname, '../../gen/descriptor.binpb'), resolve(__dirname, '../../../gen/descriptor.binpb')];
  const path = candidates.find((p) => existsSync(p));
  if (!path) throw new Error(`gen/descriptor.binpb not found (looked in ${candidates.join(', ')}); run npm run generate`);
  return readFileSync(path);
}

/** Adds server reflection (v1 and v1alpha) for the given services. */
export function addReflection<Context extends object>(server: Server<Context>, serviceNames: readonly string[]): void {
  const implementation = ServerReflection(descriptorSet(), serviceNames);
  server.add(ServerReflectionService, implementation);
  server.add(ServerReflectionV1AlphaService, implementation);
}
