// A benchmark child process: the emulator over HTTPS (QuickBlox is HTTPS only)
// with the demo application and a second one like it (the applications
// scenario), no faults and no rate limit. Prints one JSON line with its
// addresses, the path of its certificate and alice's id in each application.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoApplication, startEmulator } from '../../emulator';

/** The second application's id: the demo's plus one. */
const secondApplicationId = demoApplication.id + 1;

async function main(): Promise<void> {
  const second = { ...structuredClone(demoApplication), id: secondApplicationId, authKey: 'BenchSecondKey1' };
  const emulator = await startEmulator({
    applications: [structuredClone(demoApplication), second],
    host: '127.0.0.1',
    port: 0,
    httpsPort: 0,
    rateLimitPerSecond: 0,
  });
  const certFile = join(tmpdir(), `qb-bench-emulator-${process.pid}.pem`);
  writeFileSync(certFile, emulator.cert!);
  const aliceIn = (id: number) => emulator.state.apps.get(id)!.users.find('login', 'alice')!.id;
  console.log(
    JSON.stringify({
      url: emulator.url,
      httpsUrl: emulator.httpsUrl,
      certFile,
      aliceId: aliceIn(demoApplication.id),
      second: { id: secondApplicationId, authKey: second.authKey, aliceId: aliceIn(secondApplicationId) },
    }),
  );
}

void main();
