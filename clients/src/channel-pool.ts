import { type Channel, type ChannelCredentials, createChannel } from 'nice-grpc';

interface Shared {
  channel: Channel;
  users: number;
}

const shared = new Map<string, Shared>();

/**
 * One channel (one HTTP/2 connection set) per address and credentials for the
 * whole process, however many clients use it; it closes when the last of them
 * is closed.
 */
export function acquireChannel(
  address: string,
  credentials: ChannelCredentials,
  key: string,
  options?: Record<string, unknown>,
): { channel: Channel; release(): void } {
  const id = `${address}|${key}|${JSON.stringify(options ?? {})}`;
  let entry = shared.get(id);
  if (!entry) {
    entry = { channel: createChannel(address, credentials, options), users: 0 };
    shared.set(id, entry);
  }
  entry.users++;
  let released = false;
  const held = entry;
  return {
    channel: held.channel,
    release() {
      if (released) return;
      released = true;
      if (--held.users === 0) {
        shared.delete(id);
        held.channel.close();
      }
    },
  };
}
