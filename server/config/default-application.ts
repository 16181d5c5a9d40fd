import type { ApplicationConfig, GatewayConfig } from './gateway-config';

/** The application a call that names none is for; loadConfig guarantees it is listed. */
export function defaultApplication(config: Pick<GatewayConfig, 'applications' | 'defaultApplication'>): ApplicationConfig {
  const found = config.applications.find((a) => a.name === config.defaultApplication);
  if (!found) throw new Error(`the configuration names default application "${config.defaultApplication}" but lists no such application`);
  return found;
}
