import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFileRegistry, type FileRegistry, fromBinary } from '@bufbuild/protobuf';
import { type FileDescriptorSet, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';

export const descriptorPath = join(__dirname, '..', '..', 'gen', 'descriptor.binpb');

/** The descriptor set `npm run generate` writes for server reflection. */
export function loadDescriptorSet(): FileDescriptorSet {
  return fromBinary(FileDescriptorSetSchema, readFileSync(descriptorPath));
}

/** A reflection registry over the descriptor set: an independent protobuf implementation to check ts-proto against. */
export function loadRegistry(): FileRegistry {
  return createFileRegistry(loadDescriptorSet());
}
