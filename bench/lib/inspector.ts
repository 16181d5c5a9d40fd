import { request, WebSocket } from 'undici';

/** A DevTools protocol session with a Node process started with `--inspect=127.0.0.1:<port>`. */
export interface InspectorSession {
  send<T = unknown>(method: string, params?: Record<string, unknown>): Promise<T>;
  /** Calls `listener` with the params of each event named `method` (a heap snapshot arrives as such events). */
  on(method: string, listener: (params: Record<string, unknown>) => void): void;
  close(): void;
}

export async function openInspector(inspectorPort: number): Promise<InspectorSession> {
  const targets = (await (await request(`http://127.0.0.1:${inspectorPort}/json/list`)).body.json()) as { webSocketDebuggerUrl: string }[];
  const ws = new WebSocket(targets[0]!.webSocketDebuggerUrl);
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Map<string, (params: Record<string, unknown>) => void>();
  let next = 0;
  ws.addEventListener('message', (event) => {
    const reply = JSON.parse(String(event.data)) as {
      id?: number;
      result?: unknown;
      error?: { message: string };
      method?: string;
      params?: Record<string, unknown>;
    };
    if (reply.method) listeners.get(reply.method)?.(reply.params ?? {});
    const waiter = reply.id === undefined ? undefined : pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id!);
    if (reply.error) waiter.reject(new Error(`inspector: ${reply.error.message}`));
    else waiter.resolve(reply.result);
  });
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('error', () => reject(new Error(`inspector on port ${inspectorPort} failed`)), { once: true });
  });
  return {
    send: <T>(method: string, params?: Record<string, unknown>) =>
      new Promise<T>((resolve, reject) => {
        const id = ++next;
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        ws.send(JSON.stringify({ id, method, params }));
      }),
    on: (method, listener) => listeners.set(method, listener),
    close: () => ws.close(),
  };
}

/**
 * Forces a full garbage collection the way DevTools does
 * (HeapProfiler.collectGarbage), so that a process's RSS can be read without
 * the garbage of the traffic that just ended.
 */
export async function collectGarbage(inspectorPort: number): Promise<void> {
  const session = await openInspector(inspectorPort);
  try {
    await session.send('HeapProfiler.collectGarbage');
  } finally {
    session.close();
  }
}
