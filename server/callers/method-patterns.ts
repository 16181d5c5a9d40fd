/** Whether a method path (`/quickblox.v1.UserService/GetUser`) matches one of the policy's patterns. */
export function methodMatcher(patterns: readonly string[]): (path: string) => boolean {
  const exact = new Set(patterns.filter((p) => !p.endsWith('*')));
  const prefixes = patterns.filter((p) => p.endsWith('/*')).map((p) => p.slice(0, -1));
  const any = patterns.includes('*');
  return (path) => {
    const method = path.startsWith('/') ? path.slice(1) : path;
    return any || exact.has(method) || prefixes.some((prefix) => method.startsWith(prefix));
  };
}
