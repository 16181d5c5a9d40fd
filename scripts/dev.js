// `npm run dev`: the one-command development start. The gateway (issue #4)
// and the embedded emulator (issue #3) do not exist yet; say so plainly
// instead of failing somewhere obscure.
console.error(
  [
    'qb-grpc-gateway: not yet runnable.',
    'The contract (proto/quickblox/v1) and its generated TypeScript (gen/) are in place;',
    'the gateway server and the QuickBlox emulator that `npm run dev` will start are still being built.',
    'Run the tests with: npm test',
  ].join('\n'),
);
process.exitCode = 2;
