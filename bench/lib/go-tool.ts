import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The Go tools the benchmarks and the end-to-end suite use, as `go install` takes them: the versions .ci/run pins. */
export const goTools = {
  grpcurl: 'github.com/fullstorydev/grpcurl/cmd/grpcurl@v1.9.4',
  ghz: 'github.com/bojand/ghz/cmd/ghz@v0.121.0',
  helm: 'helm.sh/helm/v3/cmd/helm@v3.22.0',
  // Not `go install`-able (its go.mod has replace directives): .ci/run builds it in a throwaway module.
  jaeger: 'github.com/jaegertracing/jaeger/cmd/jaeger@v1.76.0',
  // Its package builds a binary named `server`: .ci/run builds it as toxiproxy-server in a throwaway module.
  'toxiproxy-server': 'github.com/Shopify/toxiproxy/v2/cmd/server@v2.5.0',
} as const;

/** A Go tool installed with `go install` (grpcurl, ghz): on PATH or in `$(go env GOPATH)/bin`; undefined when absent. */
export function findGoTool(name: keyof typeof goTools): string | undefined {
  const dirs = (process.env.PATH ?? '').split(':').filter(Boolean);
  try {
    dirs.push(join(execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).trim(), 'bin'));
  } catch {
    // no Go toolchain: only PATH counts
  }
  return dirs.map((dir) => join(dir, name)).find((path) => existsSync(path));
}
