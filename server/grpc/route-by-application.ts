import type { CallerContext } from '../services/call-context';

// biome-ignore lint/suspicious/noExplicitAny: a service implementation's methods take each their own request type.
type Methods = Record<string, (request: any, context: CallerContext) => any>;

/**
 * One service implementation in front of one per application: each method
 * hands the call to the implementation of the application the caller
 * middleware chose, so that the services themselves serve one application
 * each and share nothing with another's.
 */
export function routeByApplication<S extends object>(byApplication: ReadonlyMap<string, S>): S {
  const tables = new Map([...byApplication].map(([name, service]): [string, Methods] => [name, service as unknown as Methods]));
  const routed: Methods = {};
  for (const method of new Set([...tables.values()].flatMap((table) => Object.keys(table)))) {
    routed[method] = (request, context) => {
      const handler = tables.get(context.application)?.[method];
      // The caller middleware admits only the applications built: this is a wiring fault, not the caller's.
      if (!handler) throw new Error(`no ${method} for application "${context.application}"`);
      return handler(request, context);
    };
  }
  return routed as unknown as S;
}
