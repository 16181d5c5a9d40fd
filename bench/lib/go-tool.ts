import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** A Go tool installed with `go install` (grpcurl, ghz): on PATH or in `$(go env GOPATH)/bin`; undefined when absent. */
export function findGoTool(name: string): string | undefined {
  const dirs = (process.env.PATH ?? '').split(':').filter(Boolean);
  try {
    dirs.push(join(execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).trim(), 'bin'));
  } catch {
    // no Go toolchain: only PATH counts
  }
  return dirs.map((dir) => join(dir, name)).find((path) => existsSync(path));
}
