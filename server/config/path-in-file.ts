/** Where in a configuration file a problem is, after the file's name: `: applications[1].authKey`, or nothing for the whole file. */
export function pathInFile(path: readonly PropertyKey[]): string {
  return path.length ? `: ${path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('')}` : '';
}
