import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const folders = ['server', 'clients/src', 'clients/examples', 'emulator', 'bench', 'test'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** A heading `## 3.` / `### 3.1 …`, or item 9 of the numbered list under `## 9.`. */
function hasSection(doc: string, section: string): boolean {
  const [chapter, item] = section.split('.');
  if (new RegExp(`^#+ ${chapter}\\.${item ?? ''}[ .]`, 'm').test(doc)) return true;
  const body = doc.split(new RegExp(`^## ${chapter}\\. `, 'm'))[1]?.split(/^## /m)[0] ?? '';
  return item !== undefined && new RegExp(`^${item}\\. `, 'm').test(body);
}

describe('comments', () => {
  const files = folders.flatMap((folder) => sources(join(root, folder)));

  it('cite only files inside the repository, and sections that exist in them', () => {
    const broken: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const [, doc, section] of text.matchAll(/\b(docs\/[a-z-]+\.md)(?: §(\d+(?:\.\d+)?))?/g)) {
        const path = join(root, doc!);
        if (!existsSync(path)) broken.push(`${file}: ${doc}`);
        else if (section && !hasSection(readFileSync(path, 'utf8'), section)) broken.push(`${file}: ${doc} §${section}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('do not point outside it', () => {
    const outside = files.filter((file) => /\b(reference §|DESIGN\.md|toolchain\.md|\.\.\/shared\/)/.test(readFileSync(file, 'utf8')));
    expect(outside.filter((file) => !file.endsWith('comment-citations.test.ts'))).toEqual([]);
  });
});
