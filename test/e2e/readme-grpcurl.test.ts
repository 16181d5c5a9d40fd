import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type DevGateway, root, startDevGateway } from './dev-gateway';
import { goTool } from './tools';

const run = promisify(execFile);

/** The grpcurl commands of the README's "grpcurl" item, each a line once its `\` continuations are joined. */
function readmeCommands(): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const from = readme.indexOf('Against `npm run dev` (alice is user');
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(from))?.[1] ?? '';
  return block
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('grpcurl '));
}

describe("the README's grpcurl examples, run as written against npm run dev", () => {
  let gateway: DevGateway;
  let grpcurl: string;
  beforeAll(async () => {
    grpcurl = goTool('grpcurl');
    gateway = await startDevGateway();
  }, 60_000);
  afterAll(() => gateway.stop());
  const asWritten = (line: string) => run('bash', ['-c', line.replace(/^grpcurl /, `'${grpcurl}' `).replaceAll('127.0.0.1:50051', gateway.target)]);

  it('each works: list, describe, GetUser and UpdateUser with a FieldMask object', async () => {
    const commands = readmeCommands();
    expect(commands).toHaveLength(4);
    const outputs = [];
    for (const line of commands) outputs.push((await asWritten(line)).stdout);
    expect(outputs[0]).toContain('quickblox.v1.UserService');
    expect(outputs[1]).toContain('quickblox.v1.User is a message');
    expect(JSON.parse(outputs[2]!)).toMatchObject({ user: { id: '96752798', login: 'alice' } });
    expect(JSON.parse(outputs[3]!)).toMatchObject({ user: { id: '96752798', fullName: 'Alice A.' } });
  });

  it('refuses the FieldMask string form as the README says', async () => {
    const update = readmeCommands().find((line) => line.includes('UpdateUser'))!;
    const asString = update.replace('"updateMask": {"paths": ["full_name"]}', '"updateMask": "fullName"');
    await expect(asWritten(asString)).rejects.toMatchObject({ stderr: expect.stringContaining('expecting start of JSON object') });
  });
});
