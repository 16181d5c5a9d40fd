import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Prints a Markdown summary and writes it to bench/results/<prefix><time>.md; returns the file's path. */
export function writeResult(prefix: string, markdown: string): string {
  const dir = resolve(__dirname, '../../../bench/results');
  mkdirSync(dir, { recursive: true });
  const out = resolve(dir, `${prefix}${new Date().toISOString().replace(/[:.]/g, '-')}.md`);
  writeFileSync(out, markdown);
  console.log(`\n${markdown}`);
  return out;
}
