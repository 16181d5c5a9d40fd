import { parseArgs } from 'node:util';
import type { GatewayConfig } from '../config/gateway-config';
import { ConfigError, loadConfig } from '../config/load-config';

/** The configuration, or — when the environment cannot make one — every problem on stderr and exit code 2. */
export function configOrExit(env: NodeJS.ProcessEnv, hint: string): GatewayConfig {
  try {
    return loadConfig(env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(`qb-grpc-gateway: ${e.message}\n\n${hint}`);
    process.exit(2);
  }
}

/**
 * True when the command line asks for help. Any other argument is a mistake
 * (the gateway is configured by its environment): it and the usage go to
 * stderr and the process exits 2, rather than the argument being ignored.
 */
export function wantsHelp(usage: string, argv: readonly string[] = process.argv.slice(2)): boolean {
  return commandLine(usage, {}, argv).help === true;
}

/** The command line with `options` besides `--help`; any other argument: it and the usage on stderr, exit code 2. */
export function commandLine(
  usage: string,
  options: Record<string, { type: 'string' }>,
  argv: readonly string[] = process.argv.slice(2),
): Record<string, string | boolean | undefined> {
  try {
    return parseArgs({ args: [...argv], options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }).values;
  } catch (e) {
    console.error(`qb-grpc-gateway: ${(e as Error).message}\n\n${usage}`);
    process.exit(2);
  }
}
