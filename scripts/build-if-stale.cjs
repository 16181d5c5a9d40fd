// Builds dist/ (tsc -p tsconfig.build.json) only when a source is newer than the last build, and says so:
// `npm start`, `npm run dev` and `npm run emulator` run this first, so an up-to-date checkout starts at once.
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const stamp = join(root, 'dist', '.build-stamp');
const sources = ['gen', 'server', 'emulator', 'bench', 'clients/src', 'clients/examples'];
const files = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

/** The newest modification time under `path`, in ms (0 when it does not exist). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

const builtAt = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const changedAt = Math.max(...[...sources, ...files].map((p) => newest(join(root, p))));
if (changedAt > builtAt) {
  process.stderr.write('qb-grpc-gateway: building dist/ (tsc), a few seconds; later runs skip it until a source changes\n');
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
  writeFileSync(stamp, new Date().toISOString());
}
