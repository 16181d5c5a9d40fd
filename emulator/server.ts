import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { AdminError, handleAdmin } from './admin';
import { ApiError, messageError, routeNotFound } from './api-error';
import type { EmulatorConfig } from './config';
import { Params } from './params';
import type { Ctx, Reply } from './routes/context';
import { findRoute } from './routes/router';
import { EmulatorState } from './state';
import { expirationHeader } from './time-format';
import { generateCertificate } from './tls';
import { jsonKeyProblems, wireProblems } from './wire-check';

export interface Emulator {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `https://127.0.0.1:<port>`, when HTTPS was asked for. */
  httpsUrl?: string;
  /** The certificate the HTTPS side serves: trust it as a CA. */
  cert?: string;
  state: EmulatorState;
  close(): Promise<void>;
}

const maxBodyBytes = 1 << 20;
const jsonType = 'application/json; charset=utf-8';
// What a load balancer in front of the API answers in an outage: HTML, not JSON.
const outagePage = (status: number) =>
  `<html><head><title>${status}</title></head><body><center><h1>${status}</h1></center><hr><center>nginx</center></body></html>\n`;

export async function startEmulator(options: Partial<EmulatorConfig> & Pick<EmulatorConfig, 'applications'>): Promise<Emulator> {
  const config: EmulatorConfig = { rateLimitPerSecond: 0, faults: {}, host: '127.0.0.1', port: 0, ...options };
  const state = new EmulatorState(config);
  state.strictRequests = config.strictRequests === true;
  const servers: Server[] = [];

  const http = createHttpServer(requestHandler(state, 'http'));
  servers.push(http);
  const url = `http://${await listen(http, config.host, config.port)}`;

  let httpsUrl: string | undefined;
  let cert: string | undefined;
  if (config.httpsPort !== undefined) {
    const tls = config.tls ?? (await generateCertificate());
    cert = tls.cert;
    const https = createHttpsServer({ key: tls.key, cert: tls.cert }, requestHandler(state, 'https'));
    servers.push(https);
    httpsUrl = `https://${await listen(https, config.host, config.httpsPort)}`;
  }

  return {
    url,
    httpsUrl,
    cert,
    state,
    close: async () => {
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      );
    },
  };
}

async function listen(server: Server, host: string, port: number): Promise<string> {
  // Idle keep-alive sockets outlive undici's default 4 s so that a pooled client never writes into a closing one.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return `${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
}

function requestHandler(state: EmulatorState, scheme: 'http' | 'https') {
  return (req: IncomingMessage, res: ServerResponse) => {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const search = q < 0 ? '' : rawUrl.slice(q + 1);
    const method = req.method ?? 'GET';

    readBody(req, (error, body) => {
      if (path.startsWith('/__admin/')) return answerAdmin(state, method, path, error ? undefined : body, res);
      const route = findRoute(method, path, state.flavour);
      const routeName = route?.route ?? `${method} (unknown route)`;
      const f = state.faults;
      const faulty = !state.faultMatch || state.faultMatch.test(`${method} ${path}`);
      if (faulty && (f.resetNext > 0 || (f.resetRate > 0 && Math.random() < f.resetRate))) {
        if (f.resetNext > 0) f.resetNext--;
        state.record({ at: state.now(), method, route: routeName, path, status: 0 });
        req.socket.destroy();
        return;
      }
      const answer = () => {
        if (faulty && (f.failNext > 0 || (f.errorRate > 0 && Math.random() < f.errorRate))) {
          if (f.failNext > 0) f.failNext--;
          const r = { method, route: routeName, path, query: search, req };
          if (f.errorBody !== 'html') {
            const reason = f.errorBody === 'expired' ? 'Required session does not exist' : (STATUS_CODES[f.errorStatus] ?? 'Server Error');
            return send(res, state, r, { status: f.errorStatus, body: JSON.stringify({ errors: { base: [reason] } }) }, jsonType);
          }
          return send(res, state, r, { status: f.errorStatus, body: outagePage(f.errorStatus) }, 'text/html');
        }
        const ctx: Ctx = {
          state,
          method,
          path,
          params: new Params(),
          headers: req.headers,
          now: state.now(),
          origin: `${scheme}://${req.headers.host ?? 'localhost'}`,
        };
        send(res, state, { method, route: routeName, path, query: search, req }, error ?? handle(ctx, route, search, body), jsonType, ctx);
      };
      // Unref: a delayed answer never holds a process open that is done with the emulator.
      if (faulty && f.latencyMs > 0) setTimeout(answer, f.latencyMs).unref();
      else answer();
    });
  };
}

interface Body {
  type: string;
  text: string;
}

/** Reads the body, if any; an error reply for one that is too large. */
function readBody(req: IncomingMessage, done: (error: Reply | undefined, body: Body | undefined) => void): void {
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) {
    req.resume();
    done(undefined, undefined);
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBodyBytes) tooLarge = true;
    else chunks.push(chunk);
  });
  req.on('end', () => {
    if (tooLarge) done({ status: 413, body: JSON.stringify({ code: null, message: 'Request Entity Too Large' }) }, undefined);
    else done(undefined, { type, text: Buffer.concat(chunks).toString('utf8') });
  });
  req.on('error', () => req.socket.destroy());
}

function handle(ctx: Ctx, route: ReturnType<typeof findRoute>, search: string, body: Body | undefined): Reply {
  try {
    if (ctx.state.strictRequests && route) {
      const problems = wireProblems(route.route, search, body && !body.type.startsWith('application/json') ? body.text : undefined);
      if (problems.length) {
        ctx.state.malformed.push({ route: route.route, problems });
        throw messageError(400, `Malformed request (emulator strict mode): ${problems.join('; ')}`);
      }
    }
    Params.fromSearch(search, ctx.params);
    if (body && body.text !== '') {
      if (body.type.startsWith('application/json')) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body.text);
        } catch {
          throw messageError(400, 'Bad Request: the body is not valid JSON');
        }
        try {
          Params.fromJson(parsed, ctx.params);
        } catch {
          throw messageError(400, 'Bad Request: the JSON body must be an object');
        }
        if (ctx.state.strictRequests && route) {
          const problems = jsonKeyProblems(
            route.route,
            [...Params.fromJson(parsed).entries()].map(([key]) => key),
          );
          if (problems.length) {
            ctx.state.malformed.push({ route: route.route, problems });
            throw messageError(400, `Malformed request (emulator strict mode): ${problems.join('; ')}`);
          }
        }
      } else {
        Params.fromSearch(body.text, ctx.params);
      }
    }
    if (!route) throw routeNotFound();
    const reply = route.handle(ctx);
    slideSession(ctx);
    return reply;
  } catch (e) {
    if (e instanceof ApiError) return { status: e.status, body: JSON.stringify(e.body) };
    console.error('emulator: unexpected error', e);
    return { status: 500, body: JSON.stringify({ code: null, message: 'Internal Server Error' }) };
  }
}

/** A successful request slides its session's expiry and the user's `last_request_at` (docs/quickblox-rest.md §9.9). */
function slideSession(ctx: Ctx): void {
  const s = ctx.session;
  if (!s) return;
  s.lastActivity = ctx.now;
  if (s.userId) {
    const app = ctx.state.apps.get(s.appId);
    const user = app?.users.byId.get(s.userId);
    if (app && user) app.users.touch(user, ctx.now);
  }
}

function send(
  res: ServerResponse,
  state: EmulatorState,
  r: { method: string; route: string; path: string; query: string; req: IncomingMessage },
  reply: Reply,
  contentType: string,
  ctx?: Ctx,
): void {
  const now = state.now();
  res.statusCode = reply.status;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Date', new Date(now).toUTCString());
  const cube = state.flavour === 'connectycube';
  res.setHeader(cube ? 'ConnectyCube-REST-API-Version' : 'QuickBlox-REST-API-Version', '0.1.1');
  if (ctx?.session && ctx.shownExpiry !== undefined && !state.faults.omitExpiryHeader) {
    res.setHeader(cube ? 'CB-Token-ExpirationDate' : 'QB-Token-ExpirationDate', expirationHeader(ctx.shownExpiry));
  }
  if (reply.status === 401 && !cube) res.setHeader('WWW-Authenticate', 'QB-Token realm="QuickBlox"');
  // ConnectyCube's empty answers are empty; QuickBlox's a single space (README, choices 10 and C8).
  res.end(cube && reply.body === ' ' ? '' : reply.body);
  const traceparent = r.req.headers.traceparent;
  state.record({
    at: now,
    method: r.method,
    route: r.route,
    path: r.path,
    ...(r.query ? { query: r.query } : {}),
    status: reply.status,
    ...(typeof traceparent === 'string' ? { traceparent } : {}),
  });
}

function answerAdmin(state: EmulatorState, method: string, path: string, body: Body | undefined, res: ServerResponse): void {
  let status: number;
  let payload: unknown;
  try {
    const parsed = body && body.text !== '' ? JSON.parse(body.text) : undefined;
    ({ status, body: payload } = handleAdmin(state, method, path, parsed));
  } catch (e) {
    status = e instanceof AdminError ? e.status : 400;
    payload = { error: e instanceof Error ? e.message : String(e) };
  }
  res.statusCode = status;
  res.setHeader('Content-Type', jsonType);
  res.end(JSON.stringify(payload));
}
