import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '../..');
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
/** The instructions, continuation lines joined. */
const instructions = dockerfile
  .replace(/\\\n\s*/g, ' ')
  .split('\n')
  .filter((line) => line.trim() && !line.trimStart().startsWith('#'));
const stages = instructions.filter((line) => line.startsWith('FROM '));
/** The base image argument as the stages name it (Docker syntax, built so that no string reads as a template). */
const base = ['$', '{NODE_IMAGE}'].join('');

it('builds in two stages on a pinned Node 26 LTS slim base', () => {
  expect(instructions).toContainEqual(expect.stringMatching(/^ARG NODE_IMAGE=node:26\.\d+\.\d+-[a-z]+-slim$/));
  expect(stages).toEqual([`FROM ${base} AS build`, `FROM ${base}`]);
});

it('runs as the non-root node user, with node itself as PID 1 in exec form, and a health check', () => {
  const final = instructions.slice(instructions.indexOf(`FROM ${base}`));
  expect(final).toContain('USER node');
  expect(final).toContainEqual('CMD ["node", "dist/server/cli/main.js"]');
  expect(final.join('\n')).not.toMatch(/npm (start|run)/);
  expect(final).toContainEqual(expect.stringMatching(/^HEALTHCHECK .*CMD \["node", "-e", ".*\/healthz/));
  expect(final).toContainEqual(expect.stringMatching(/^EXPOSE 50051 9464$/));
});

it('copies every source the build compiles, and nothing the .dockerignore leaves out', () => {
  const build = JSON.parse(readFileSync(join(root, 'tsconfig.build.json'), 'utf8')) as { include: string[] };
  const copied = instructions.filter((line) => /^COPY (?!--from)/.test(line)).map((line) => line.split(/\s+/)[1]);
  for (const dir of build.include) expect(copied).toContain(dir);
  const ignored = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n');
  expect(ignored).toEqual(expect.arrayContaining(['.git', 'node_modules', 'dist']));
  for (const dir of copied) expect(ignored).not.toContain(dir);
});
