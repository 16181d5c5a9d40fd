// A benchmark child process, run with --expose-gc: the heap a cached user
// session costs, measured on the gateway's own cache with realistic entries
// (a 40-hex token, dates, ids; the key an HMAC of caller and credentials),
// between two full garbage collections. Prints {"entries", "bytesPerEntry"}.
import { randomBytes } from 'node:crypto';
import { createUserSessionCache } from '../../server';

const gc = (globalThis as { gc?: () => void }).gc;

async function main(): Promise<void> {
  if (!gc) throw new Error('run with node --expose-gc');
  const entries = Number(process.env.BENCH_ENTRIES ?? 100_000);
  const cache = createUserSessionCache();
  const credentials = { method: { $case: 'loginPassword' as const, value: { login: 'alice', password: 'alicePass1!' } } };
  gc();
  const before = process.memoryUsage();
  const now = Date.now();
  for (let i = 0; i < entries; i++) {
    const key = cache.key(`authorization:caller-${i}`, credentials);
    await cache.reuse(key, async () => ({
      token: randomBytes(20).toString('hex'),
      id: BigInt(1_151_827_600 + i),
      applicationId: 12345n,
      userId: 96752798n,
      createdAt: new Date(now),
      updatedAt: new Date(now),
      expiresAt: new Date(now + 7_200_000),
    }));
  }
  gc();
  const after = process.memoryUsage();
  console.log(
    JSON.stringify({ entries: cache.size, bytesPerEntry: Math.round((after.heapUsed - before.heapUsed) / cache.size), rssDelta: after.rss - before.rss }),
  );
}

void main();
