import type { HttpMethod, Id, Route } from './route';

/** A route with no parameter in its path: one object, built once. */
export function fixed(method: HttpMethod, route: string, resource: Route['resource']): Route {
  return Object.freeze({ method, route, path: route, resource });
}

/** A route with one `{id}` in its path. */
export function byId(method: HttpMethod, route: string): (id: Id) => Route {
  const [before, after] = route.split('{id}') as [string, string];
  return (id) => ({ method, route, path: `${before}${id}${after}`, resource: 'user' });
}
