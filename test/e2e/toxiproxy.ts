import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'undici';
import { freePort } from '../../bench/lib/processes';
import { goTool } from './tools';

/** A toxic as Toxiproxy's HTTP API takes it (`latency`, `timeout`, `reset_peer`, `limit_data`, `slicer`, `bandwidth`). */
export interface Toxic {
  type: string;
  /** `downstream` (what the upstream answers) by default, or `upstream` (what is sent to it). */
  stream?: 'upstream' | 'downstream';
  attributes: Record<string, number>;
  toxicity?: number;
}

export interface ToxicProxy {
  /** `127.0.0.1:port` the proxy listens on. */
  listen: string;
  add(toxic: Toxic): Promise<void>;
  /** Removes every toxic of this proxy. */
  clear(): Promise<void>;
}

export interface Toxiproxy {
  proxy(name: string, upstream: string): Promise<ToxicProxy>;
  stop(): Promise<void>;
}

/** A real toxiproxy-server on a loopback port, driven over its HTTP API: a fault between the gateway and what it talks to. */
export async function startToxiproxy(): Promise<Toxiproxy> {
  const port = await freePort();
  const child: ChildProcess = spawn(goTool('toxiproxy-server'), ['-host', '127.0.0.1', '-port', String(port)], { stdio: 'ignore' });
  const api = `http://127.0.0.1:${port}`;
  const call = async (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) => {
    const res = await request(`${api}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.body.text();
    if (res.statusCode >= 300) throw new Error(`toxiproxy ${method} ${path}: ${res.statusCode} ${text}`);
    return text.startsWith('{') || text.startsWith('[') ? (JSON.parse(text) as Record<string, unknown>) : {};
  };
  for (;;) {
    if (child.exitCode !== null) throw new Error('toxiproxy-server exited at start');
    if (
      await call('GET', '/version').then(
        () => true,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 20));
  }
  let count = 0;
  return {
    async proxy(name, upstream) {
      const created = await call('POST', '/proxies', { name, listen: '127.0.0.1:0', upstream, enabled: true });
      return {
        listen: String(created.listen),
        async add(toxic) {
          await call('POST', `/proxies/${name}/toxics`, { name: `t${++count}`, stream: 'downstream', toxicity: 1, ...toxic });
        },
        async clear() {
          const toxics = (await call('GET', `/proxies/${name}/toxics`)) as unknown as { name: string }[];
          for (const t of toxics) await call('DELETE', `/proxies/${name}/toxics/${t.name}`);
        },
      };
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
