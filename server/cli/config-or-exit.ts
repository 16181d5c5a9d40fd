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

/** True when the command line asks for help. */
export function wantsHelp(argv: readonly string[] = process.argv): boolean {
  return argv.includes('--help') || argv.includes('-h');
}
