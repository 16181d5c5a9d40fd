import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The path of a Go tool (grpcurl, ghz) that .ci/run installs with `go install`:
 * on PATH, or in `$(go env GOPATH)/bin`. Missing is an error, never a skip:
 * the end-to-end suite exists to run the real tool.
 */
export function goTool(name: string, module: string): string {
  const candidates: string[] = [];
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir) candidates.push(join(dir, name));
  try {
    const gopath = execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).trim();
    candidates.push(join(gopath, 'bin', name));
  } catch {
    // no Go toolchain: only PATH counts
  }
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`${name} not found on PATH or in $(go env GOPATH)/bin; install it with: go install ${module}@latest`);
  return found;
}
