import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ErrorReason } from '../../clients/src/error-reasons';

const root = resolve(__dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('error reasons', () => {
  it('are written once: no server or client file spells one out as a string', () => {
    const reasons = Object.values(ErrorReason);
    const spelled = [...sources(join(root, 'server')), ...sources(join(root, 'clients/src'))]
      .filter((file) => !file.endsWith('error-reasons.ts'))
      .flatMap((file) => reasons.filter((reason) => readFileSync(file, 'utf8').includes(`'${reason}'`)).map((reason) => `${file}: ${reason}`));
    expect(spelled).toEqual([]);
  });

  it('are the README table', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('| reason | gRPC status | when |'));
    const documented = [...table.slice(0, table.indexOf('\n\n')).matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]!);
    expect(documented.filter((reason) => !(reason in ErrorReason))).toEqual([]);
    expect(Object.values(ErrorReason).filter((reason) => !documented.includes(reason))).toEqual([]);
  });
});
