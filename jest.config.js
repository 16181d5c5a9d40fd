// Tests are transpiled by swc (fast, no type check); `npm run typecheck` is the
// type check. Generated code in gen/ is compiled the same way.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // test/e2e needs a build and real tools: `npm run test:e2e`.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
  // npm run test:coverage: the product's code that these tests load, by folder (the README's test
  // section quotes it). server/cli runs only in the end-to-end suite, as built commands.
  coverageProvider: 'v8',
  collectCoverageFrom: ['server/**/*.ts', '!server/cli/**', 'clients/src/**/*.ts', 'emulator/**/*.ts'],
  coverageReporters: [['text', { maxCols: 120 }], 'text-summary', 'json-summary'],
  // jose and cockatiel ship ES modules only: swc compiles them to CommonJS for jest (Node itself requires them as they are).
  transformIgnorePatterns: ['/node_modules/(?!(jose|cockatiel)/)'],
  transform: {
    '^.+\\.[jt]s$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
};
