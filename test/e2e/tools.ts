import { findGoTool, goTools } from '../../bench/lib/go-tool';

/**
 * The path of a Go tool (grpcurl, ghz) that .ci/run installs with `go install`.
 * Missing is an error, never a skip: the end-to-end suite exists to run the
 * real tool.
 */
export function goTool(name: keyof typeof goTools): string {
  const found = findGoTool(name);
  if (!found) throw new Error(`${name} not found on PATH or in $(go env GOPATH)/bin; .ci/run installs it (${goTools[name]}): see its tools step`);
  return found;
}
