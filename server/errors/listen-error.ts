import { once } from 'node:events';
import { createServer } from 'node:net';

/**
 * A failure to listen, said in the terms of the variables that chose the
 * address, with what to do, and the system's error kept as its cause.
 */
export function listenError(variable: string, host: string, port: number, cause: unknown): Error {
  const text = cause instanceof Error ? cause.message : String(cause);
  const code = (cause as { code?: unknown } | undefined)?.code ?? /\b(EADDRINUSE|EACCES|EADDRNOTAVAIL)\b/.exec(text)?.[1];
  const where = `${host}:${port}`;
  switch (code) {
    case 'EADDRINUSE':
      return new Error(
        `${variable}=${port}: ${where} is already in use by another process; stop it or set ${variable} to a free port (0: the system picks one)`,
        {
          cause,
        },
      );
    case 'EACCES':
      return new Error(`${variable}=${port}: listening on ${where} is not allowed (ports below 1024 need privileges); set ${variable} to 1024 or above`, {
        cause,
      });
    case 'EADDRNOTAVAIL':
      return new Error(`GRPC_HOST=${host}: no network interface of this machine has that address; use 0.0.0.0 (every interface) or 127.0.0.1`, { cause });
    default:
      return new Error(`cannot listen on ${where} (${variable}): ${text}`, { cause });
  }
}

/**
 * Throws `listenError` if `host:port` cannot be listened on now. gRPC's own
 * bind reports a busy port only as a raw line on stderr and a vague message;
 * a plain socket tried first says which variable to change. Port 0 always works.
 */
export async function checkListenable(variable: string, host: string, port: number): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  try {
    probe.listen(port, host);
    await once(probe, 'listening');
  } catch (e) {
    throw listenError(variable, host, port, e);
  } finally {
    if (probe.listening) {
      probe.close();
      await once(probe, 'close');
    }
  }
}
