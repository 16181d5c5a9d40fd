import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { root } from './dev-gateway';

/** `npm run bench:soak -- --minutes 1`, built: it runs every part (faults included) and reports. No timing is asserted. */
it('the soak runs for a minute with its faults and writes its per-minute report', async () => {
  const child = spawn(process.execPath, ['dist/bench/soak.js', '--minutes', '1'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
  }
  const [code] = (await once(child, 'exit')) as [number | null];
  const written = /written to (\S+\.md)/.exec(output)?.[1];
  try {
    expect({ code, written: written !== undefined }).toEqual({ code: 0, written: true });
    const report = readFileSync(written!, 'utf8');
    expect(report).toMatch(/^Runtime: Node v\d+/);
    expect(report).toContain('| minute | calls | errors by status | unexplained |');
    expect(report).toMatch(/^\| 1 \| \d+ \|/m);
    for (const event of ['every session expired upstream', 'Redis killed', 'circuit breaker tripped']) expect(report).toContain(event);
    expect(report).toContain('Heap after GC: slope');
    expect(report).toMatch(/Heap census .*the gateway's objects -?[\d.]+ KB.*: (flat|\*\*growing\*\*)/);
    expect(report).toContain('| kind: constructor | objects | bytes |');
  } finally {
    if (written && existsSync(written)) rmSync(written);
  }
}, 240_000);
