// End-to-end tests: the built gateway driven by real tools (grpcurl,
// Prometheus), which .ci/run installs. `npm run test:e2e` builds first.
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = { ...base, roots: ['<rootDir>/test/e2e'], testPathIgnorePatterns: ['/node_modules/'] };
