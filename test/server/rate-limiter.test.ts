import fc from 'fast-check';
import { createRateLimiter, rateWindowMs } from '../../server/upstream/rate-limiter';

describe('the upstream rate limiter', () => {
  it('lets at most N start in any one-second window, however the requests arrive', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 200 }),
        async (perSecond, gaps) => {
          let t = 0;
          // Waits are not slept: the start of each request is its arrival plus the wait decided.
          const acquire = createRateLimiter({ perSecond, maxWaitMs: Number.POSITIVE_INFINITY, now: () => t, sleep: async () => {} });
          const starts: number[] = [];
          for (const gap of gaps) {
            t += gap;
            const decision = await acquire();
            starts.push(t + ('waitedMs' in decision ? decision.waitedMs : Number.NaN));
          }
          return starts.every((s, i) => i < perSecond || s - (starts[i - perSecond] ?? 0) >= rateWindowMs);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses at once what would wait longer than allowed, and reserves nothing for it', async () => {
    const t = 0;
    const acquire = createRateLimiter({ perSecond: 2, maxWaitMs: 100, now: () => t });
    expect(await acquire()).toEqual({ waitedMs: 0 });
    expect(await acquire()).toEqual({ waitedMs: 0 });
    expect(await acquire()).toEqual({ refusedForMs: rateWindowMs });
    expect(await acquire()).toEqual({ refusedForMs: rateWindowMs });
  });
});
