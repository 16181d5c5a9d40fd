import { openInspector } from './inspector';

/** Per kind of heap object, how many there are and their own (shallow) bytes. */
export type HeapCensus = Map<string, { count: number; bytes: number }>;

/** The snapshot's own layout (V8 `HeapSnapshotJSONSerializer`): flat arrays described by `meta`. */
interface RawSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Kinds whose name is their content, not a constructor: counted under the kind alone. */
const unnamedKinds = new Set(['string', 'concatenated string', 'sliced string', 'number', 'heap number', 'bigint', 'code', 'regexp']);

/**
 * A heap snapshot of the process behind `inspectorPort` (the DevTools way:
 * HeapProfiler.takeHeapSnapshot, streamed in chunks), counted by kind: the
 * node's type and, for objects, closures and V8's internal nodes, its
 * constructor or system name. The snapshot itself is dropped once counted.
 */
export async function heapCensus(inspectorPort: number): Promise<HeapCensus> {
  const session = await openInspector(inspectorPort);
  const chunks: string[] = [];
  session.on('HeapProfiler.addHeapSnapshotChunk', (params) => chunks.push(String(params.chunk)));
  try {
    await session.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false, captureNumericValue: false });
  } finally {
    session.close();
  }
  return countNodes(JSON.parse(chunks.join('')) as RawSnapshot);
}

function countNodes(raw: RawSnapshot): HeapCensus {
  const fields = raw.snapshot.meta.node_fields;
  const types = raw.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [number, number, number];
  const census: HeapCensus = new Map();
  for (let i = 0; i < raw.nodes.length; i += fields.length) {
    const type = types[raw.nodes[i + typeAt]!]!;
    const key = unnamedKinds.has(type) ? type : `${type}: ${raw.strings[raw.nodes[i + nameAt]!]!.slice(0, 60)}`;
    const entry = census.get(key) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += raw.nodes[i + sizeAt]!;
    census.set(key, entry);
  }
  return census;
}

/** What changed between two censuses, kind by kind, largest change in bytes first. */
export function censusChange(before: HeapCensus, after: HeapCensus): { kind: string; count: number; bytes: number }[] {
  const kinds = new Set([...before.keys(), ...after.keys()]);
  return [...kinds]
    .map((kind) => {
      const a = before.get(kind) ?? { count: 0, bytes: 0 };
      const b = after.get(kind) ?? { count: 0, bytes: 0 };
      return { kind, count: b.count - a.count, bytes: b.bytes - a.bytes };
    })
    .filter((c) => c.count !== 0 || c.bytes !== 0)
    .sort((x, y) => Math.abs(y.bytes) - Math.abs(x.bytes));
}
