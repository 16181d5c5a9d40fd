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
    expect(await acquire()).toMatchObject({ waitedMs: 0 });
    expect(await acquire()).toMatchObject({ waitedMs: 0 });
    expect(await acquire()).toEqual({ refusedForMs: rateWindowMs });
    expect(await acquire()).toEqual({ refusedForMs: rateWindowMs });
  });

  it('counts a slot from its answer once answered, since the upstream counted the request on arrival, no later', async () => {
    let t = 0;
    const acquire = createRateLimiter({ perSecond: 2, maxWaitMs: Number.POSITIVE_INFINITY, now: () => t, sleep: async () => {} });
    const first = await acquire();
    const second = await acquire();
    // The first request's answer comes 200 ms after it left: the next slot opens a window after that, not after its start.
    t = 200;
    if ('waitedMs' in first) first.answered?.();
    expect(await acquire()).toMatchObject({ waitedMs: rateWindowMs });
    t = 300;
    if ('waitedMs' in second) second.answered?.();
    expect(await acquire()).toMatchObject({ waitedMs: rateWindowMs });
  });

  it('leaves a slot reserved again since alone when an old answer comes late', async () => {
    let t = 0;
    const acquire = createRateLimiter({ perSecond: 1, maxWaitMs: Number.POSITIVE_INFINITY, now: () => t, sleep: async () => {} });
    const first = await acquire();
    const second = await acquire();
    expect(second).toMatchObject({ waitedMs: rateWindowMs });
    t = 5000;
    if ('waitedMs' in first) first.answered?.();
    // The second slot (start 1050) was not moved by the first's answer, so a request at 5000 goes at once.
    expect(await acquire()).toMatchObject({ waitedMs: 0 });
  });
});
