import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type SamplingHeapProfile, summariseAllocations } from '../../bench/lib/allocation-profile';
import { summariseProfile } from '../../bench/lib/cpu-profile';
import { median } from '../../bench/lib/equal-load';
import { callsFor } from '../../bench/lib/ghz';
import { goTools } from '../../bench/lib/go-tool';
import { paced } from '../../bench/lib/paced';
import { errorNote } from '../../bench/lib/rows';

describe('summariseProfile', () => {
  it('counts only the samples inside the window, by area and by function, idle apart', () => {
    const frame = (id: number, functionName: string, url: string) => ({ id, callFrame: { functionName, url, lineNumber: 9 } });
    const profile = {
      nodes: [
        frame(1, '(idle)', ''),
        frame(2, 'send', 'file:///w/dist/server/upstream/http-client.js'),
        frame(3, 'request', 'file:///w/node_modules/undici/lib/api/api-request.js'),
        frame(4, 'startup', 'node:internal/modules/cjs/loader'),
      ],
      startTime: 1_000,
      // At 1,100 (before the window) start-up; then in the window: idle 100, send 300, request 100.
      samples: [4, 1, 2, 2, 2, 3],
      timeDeltas: [100, 100, 100, 100, 100, 100],
    };
    const file = join(mkdtempSync(join(tmpdir(), 'profile-test-')), 'p.cpuprofile');
    writeFileSync(file, JSON.stringify(profile));
    const summary = summariseProfile(file, 1_150, 1_700);
    expect(summary.totalMs).toBeCloseTo(0.5);
    expect(summary.idleShare).toBeCloseTo(0.2);
    expect(summary.byArea).toEqual([
      { area: 'gateway code', share: 0.75 },
      { area: 'undici', share: 0.25 },
    ]);
    expect(summary.hottest[0]).toEqual({ fn: 'send server/upstream/http-client.js:10', share: 0.75 });
  });
});

describe('paced', () => {
  it('starts rate × seconds calls and never more than the cap at once', async () => {
    let inFlight = 0;
    let most = 0;
    const slow = async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, 30));
      inFlight--;
    };
    const load = await paced(slow, { rate: 200, concurrency: 2, seconds: 0.25 });
    expect(load.requests + load.errors).toBe(50);
    expect(most).toBe(2);
    expect(load.latencies).toHaveLength(50);
  });
});

it('median: the middle value, or the mean of the two middle ones, NaN left out', () => {
  expect(median([3, 1, 2])).toBe(2);
  expect(median([4, 1, 3, 2])).toBe(2.5);
  expect(median([NaN, 5])).toBe(5);
  expect(median([])).toBeNaN();
});

it('pins each Go tool once: .ci/run and the READMEs install the versions bench/lib/go-tool.ts names', () => {
  const read = (file: string) => readFileSync(resolve(__dirname, '../..', file), 'utf8');
  expect(read('.ci/run')).toContain(`go install ${goTools.grpcurl}`);
  expect(read('.ci/run')).toContain(`go install ${goTools.helm}`);
  expect(read('.ci/run')).toContain(`go get -tool ${goTools.jaeger}`);
  expect(read('README.md')).toContain(goTools.grpcurl);
  expect(read('bench/README.md')).toContain(goTools.ghz);
  expect(`${read('README.md')}${read('bench/README.md')}`).not.toMatch(/go install \S+@latest/);
});

describe('summariseAllocations', () => {
  it('adds up the bytes each frame allocated, by area and by function', () => {
    const node = (functionName: string, url: string, selfSize: number, children: unknown[] = []) => ({
      callFrame: { functionName, url, lineNumber: 0 },
      selfSize,
      children,
    });
    const profile = {
      head: node('(root)', '', 0, [
        node('userFromJson', 'file:///w/dist/server/mapping/user-from-json.js', 300, [node('parse', 'file:///w/node_modules/undici/lib/x.js', 100)]),
        node('emit', 'node:events', 600),
      ]),
    } as SamplingHeapProfile;
    const summary = summariseAllocations(profile);
    expect(summary.totalBytes).toBe(1000);
    expect(summary.byArea).toEqual([
      { area: 'Node internals (JS)', share: 0.6 },
      { area: 'gateway code', share: 0.3 },
      { area: 'undici', share: 0.1 },
    ]);
    expect(summary.hottest[1]).toEqual({ fn: 'userFromJson server/mapping/user-from-json.js:1', share: 0.3 });
  });
});

describe('ghz helpers', () => {
  it('sizes a closed-loop run by the warm-up rate, so that ghz never cuts calls off at the end', () => {
    expect(callsFor({ requests: 1000, errors: 0, rps: 2500, p50: 1, p95: 2, p99: 3 }, 4)).toEqual({ calls: 10_000 });
  });

  it('shows every error of a ghz row with its cause', () => {
    expect(errorNote({ 'rpc error: code = Unavailable': 3 })).toBe('errors: 3 × rpc error: code = Unavailable');
    expect(errorNote(undefined)).toBeUndefined();
  });
});
