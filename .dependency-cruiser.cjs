// Which way imports may run (npm run lint:deps, and so CI). Each rule says why.
// Layers of server/, top to bottom; a folder may import its own layer and any below it:
//   cli → grpc, health, metrics → callers → services → flavours → sessions, mapping, errors, validation
//       → upstream → tracing, readiness, logging, store → config
const layers = [
  ['cli'],
  ['grpc', 'health', 'metrics'],
  ['callers'],
  ['services'],
  ['flavours'],
  ['sessions', 'mapping', 'errors', 'validation'],
  ['upstream'],
  ['tracing', 'readiness\\.ts', 'logging', 'store'],
  ['config'],
];
const folder = (names) => `^server/(${names.join('|')})`;
const above = (i) => layers.slice(0, i).flat();

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'A cycle means two files are one concern, or one of them is in the wrong place.',
      from: {},
      to: { circular: true },
    },
    ...layers.slice(1).map((names, i) => ({
      name: `layer-${names[0].replace(/\\.ts$/, '')}`,
      severity: 'error',
      comment: `server/${names.join(', ')} must not import a layer above it (${above(i + 1).join(', ')}): imports run cli → grpc → services → upstream → config.`,
      from: { path: folder(names) },
      to: { path: folder(above(i + 1)) },
    })),
    {
      name: 'services-get-their-flavour-from-deps',
      severity: 'error',
      comment:
        "A service reads its upstream's routes, user reads and wording through ServiceDeps (the upstream and its user reads), never from a flavour: one gateway may serve several upstreams.",
      from: { path: '^server/services/' },
      to: { path: '^server/flavours/' },
    },
    {
      name: 'flavours-through-the-registry',
      severity: 'error',
      comment:
        'An upstream is one folder under server/flavours/, reached through the registry (flavours.ts) and its index, so that adding one is a folder and a line.',
      from: { path: '^server/', pathNot: '^server/flavours/' },
      to: { path: '^server/flavours/', pathNot: '^server/flavours/(flavours|flavour-kit)\\.ts$' },
    },
    {
      name: 'flavour-folders-stand-apart',
      severity: 'error',
      comment: "One upstream's folder does not reach into another's: what they share lives below them (upstream, mapping).",
      from: { path: '^server/flavours/([^/]+)/' },
      to: { path: '^server/flavours/[^/]+/', pathNot: '^server/flavours/$1/' },
    },
    {
      name: 'no-test-or-bench-in-product',
      severity: 'error',
      comment: 'The gateway, the client package and the emulator never depend on tests or benchmarks.',
      from: { path: '^(server|clients|emulator)/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'server-reaches-emulator-through-its-entry',
      severity: 'error',
      comment: 'Only the dev command starts the emulator, through emulator/index.ts.',
      from: { path: '^server/', pathNot: '^server/cli/dev\\.ts$' },
      to: { path: '^emulator/' },
    },
    {
      name: 'dev-uses-emulator-entry',
      severity: 'error',
      comment: 'One narrow entry into the emulator.',
      from: { path: '^server/cli/dev\\.ts$' },
      to: { path: '^emulator/', pathNot: '^emulator/index\\.ts$' },
    },
    {
      name: 'server-uses-only-the-shared-lists-of-clients',
      severity: 'error',
      comment: 'The server shares the error reasons and the update-mask paths with the client package and nothing else of it.',
      from: { path: '^server/' },
      to: { path: '^clients/', pathNot: '^clients/src/(error-reasons|user-field-paths)\\.ts$' },
    },
    {
      name: 'clients-stand-alone',
      severity: 'error',
      comment: 'The client package ships without server or emulator code.',
      from: { path: '^clients/' },
      to: { path: '^(server|emulator)/' },
    },
    {
      name: 'emulator-stands-alone',
      severity: 'error',
      comment: 'The emulator is an independent upstream: it shares no code with the gateway.',
      from: { path: '^emulator/' },
      to: { path: '^(server|clients)/' },
    },
    {
      name: 'bench-uses-public-entries',
      severity: 'error',
      comment: 'Benchmarks measure the product through its public entries, not its internals.',
      from: { path: '^bench/' },
      to: { path: '^(server|emulator|clients)/', pathNot: '^(server/index|emulator/index|clients/src/index)\\.ts$' },
    },
    {
      name: 'generated-code-through-its-index',
      severity: 'error',
      comment: 'Generated code is reached through the package indexes ts-proto writes (gen/index.*.ts); its tests (test/contract) may look inside.',
      from: { path: '^(server|clients|emulator|bench)/' },
      to: { path: '^gen/', pathNot: '^gen/index\\.[a-z.0-9]+\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|clients/dist|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['require', 'node', 'default'] },
  },
};
