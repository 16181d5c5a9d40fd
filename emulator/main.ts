import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ApplicationConfig } from './config';
import { demoApplication } from './demo';
import { startEmulator } from './server';

const usage = `Usage: npm run emulator -- [options]

Starts the QuickBlox (or ConnectyCube) REST emulator on loopback with a demo application.

Options:
  --flavour <name>    quickblox (default) or connectycube: which API to speak
  --port <n>          HTTP port (default 8080; 0 picks a free one)
  --https-port <n>    HTTPS port with a generated self-signed certificate (default 8443; -1 for none)
  --rate-limit <n>    requests per second per application before 429 (default 0: unlimited)
  --config <file>     JSON file with an "applications" array replacing the demo application
  --host <addr>       address to bind (default 127.0.0.1)
  -h, --help          this text

Admin endpoint (faults, seeding, stats): see emulator/README.md.`;

function int(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^-?\d+$/.test(value)) {
    console.error(`emulator: --${name} must be a whole number, got "${value}"\n\n${usage}`);
    process.exit(2);
  }
  return Number(value);
}

const options = {
  flavour: { type: 'string' },
  port: { type: 'string' },
  'https-port': { type: 'string' },
  'rate-limit': { type: 'string' },
  config: { type: 'string' },
  host: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * The arguments with a negative number after an option that takes a value
 * joined to it (`--https-port -1` as `--https-port=-1`): parseArgs would read
 * `-1` as an unknown short option.
 */
function withNegativeValues(args: string[]): string[] {
  const takesValue = (arg: string | undefined) =>
    arg?.startsWith('--') && !arg.includes('=') && options[arg.slice(2) as keyof typeof options]?.type === 'string';
  return args.flatMap((arg, i) => {
    if (/^-\d+$/.test(arg) && takesValue(args[i - 1])) return [];
    const next = args[i + 1];
    return next !== undefined && /^-\d+$/.test(next) && takesValue(arg) ? [`${arg}=${next}`] : [arg];
  });
}

/** The command line, or its problem and the usage on stderr and exit code 2. */
function commandLine() {
  try {
    return parseArgs({ options, args: withNegativeValues(process.argv.slice(2)) }).values;
  } catch (e) {
    console.error(`emulator: ${(e as Error).message}\n\n${usage}`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const values = commandLine();
  if (values.help) {
    console.log(usage);
    return;
  }
  const applications: ApplicationConfig[] = values.config
    ? (JSON.parse(readFileSync(values.config, 'utf8')) as { applications: ApplicationConfig[] }).applications
    : [demoApplication];
  const httpsPort = int('https-port', values['https-port'], 8443);
  const flavour = values.flavour ?? 'quickblox';
  if (flavour !== 'quickblox' && flavour !== 'connectycube') {
    console.error(`emulator: --flavour must be quickblox or connectycube, got "${flavour}"\n\n${usage}`);
    process.exit(2);
  }
  const emulator = await startEmulator({
    flavour,
    applications,
    host: values.host ?? '127.0.0.1',
    port: int('port', values.port, 8080),
    httpsPort: httpsPort < 0 ? undefined : httpsPort,
    rateLimitPerSecond: int('rate-limit', values['rate-limit'], 0),
  });
  console.log(
    `${flavour === 'connectycube' ? 'ConnectyCube' : 'QuickBlox'} emulator listening on ${emulator.url}${emulator.httpsUrl ? ` and ${emulator.httpsUrl}` : ''}`,
  );
  for (const app of applications) {
    console.log(`application ${app.id}: auth key ${app.authKey}, auth secret ${app.authSecret}${app.apiKey ? `, API key ${app.apiKey}` : ''}`);
    for (const u of app.users ?? []) console.log(`  user ${u.login ?? u.email} / ${u.password}`);
  }
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
