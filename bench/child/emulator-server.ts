// A benchmark child process: the emulator over HTTPS (QuickBlox is HTTPS only)
// with the demo application, no faults and no rate limit. Prints one JSON line
// with its addresses and the path of its certificate.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoApplication, startEmulator } from '../../emulator';

async function main(): Promise<void> {
  const emulator = await startEmulator({ applications: [structuredClone(demoApplication)], host: '127.0.0.1', port: 0, httpsPort: 0, rateLimitPerSecond: 0 });
  const certFile = join(tmpdir(), `qb-bench-emulator-${process.pid}.pem`);
  writeFileSync(certFile, emulator.cert!);
  const alice = emulator.state.apps.get(demoApplication.id)!.users.find('login', 'alice')!;
  console.log(JSON.stringify({ url: emulator.url, httpsUrl: emulator.httpsUrl, certFile, aliceId: alice.id }));
}

void main();
