import { environmentVariables } from '../config/load-config';

/** `--help` text, built from the table of environment variables the configuration reads. */
export function usage(command: string, summary: string): string {
  const width = Math.max(...environmentVariables.map(([name]) => name.length));
  const rows = environmentVariables.map(
    ([name, description, fallback]) => `  ${name.padEnd(width)}  ${description}${fallback === undefined ? '' : ` (default ${fallback})`}`,
  );
  return [`Usage: ${command}`, '', summary, '', 'Environment variables:', ...rows].join('\n');
}
