import { request, WebSocket } from 'undici';

/**
 * Forces a full garbage collection in a Node process started with
 * `--inspect=127.0.0.1:<port>`, the way DevTools does (HeapProfiler.collectGarbage),
 * so that its RSS can be read without the garbage of the traffic that just ended.
 */
export async function collectGarbage(inspectorPort: number): Promise<void> {
  const targets = (await (await request(`http://127.0.0.1:${inspectorPort}/json/list`)).body.json()) as { webSocketDebuggerUrl: string }[];
  const ws = new WebSocket(targets[0]!.webSocketDebuggerUrl);
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => ws.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' })));
    ws.addEventListener('message', (event) => {
      if ((JSON.parse(String(event.data)) as { id?: number }).id === 1) resolve();
    });
    ws.addEventListener('error', () => reject(new Error(`inspector on port ${inspectorPort} failed`)));
  });
  ws.close();
}
