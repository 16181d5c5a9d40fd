/** The official quickblox SDK, which has no types. */
export const QB = require('quickblox') as any;

/** Runs `fn` with the console silenced: the official SDK prints as it works. */
export async function silently<T>(fn: () => Promise<T>): Promise<T> {
  const { log: print, info, warn } = console;
  console.log = console.info = console.warn = () => undefined;
  try {
    return await fn();
  } finally {
    Object.assign(console, { log: print, info, warn });
  }
}

/** A callback-style SDK call as a promise. */
export const sdkCall = <T>(fn: (cb: (error: unknown, result: T) => void) => void) =>
  new Promise<T>((resolveCall, reject) => fn((error, result) => (error ? reject(error) : resolveCall(result))));
