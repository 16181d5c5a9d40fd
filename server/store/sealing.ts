import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * What the replicas keep in Redis, sealed with keys derived from the one
 * secret of the configuration (REDIS_ENCRYPTION_KEY): a reader of Redis gets
 * neither a usable token nor a way to test a guessed password against a key.
 */
export interface Sealer {
  /** AES-256-GCM under a fresh nonce, bound to `context` (the Redis key it is stored at), as base64url text. */
  seal(plaintext: string, context: string): string;
  /** The plaintext, or undefined when the text was sealed for another context, under another secret, or altered. */
  open(sealed: string, context: string): string | undefined;
  /** HMAC-SHA256 of the parts under the hashing key: the same on every replica, so it can name a key in Redis. */
  hash(...parts: string[]): string;
}

const version = 'v1';

export function createSealer(secret: string): Sealer {
  // Two keys from one secret, so that a hash never helps to open a sealed value or the reverse.
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', secret, 'qb-grpc-gateway', info, 32));
  const encryptionKey = derive('seal');
  const hashingKey = derive('hash');
  return {
    seal(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', encryptionKey, iv).setAAD(Buffer.from(context));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return `${version}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
    },
    open(sealed, context) {
      if (!sealed.startsWith(`${version}.`)) return undefined;
      const raw = Buffer.from(sealed.slice(version.length + 1), 'base64url');
      if (raw.length < 28) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', encryptionKey, raw.subarray(0, 12)).setAAD(Buffer.from(context));
        decipher.setAuthTag(raw.subarray(12, 28));
        return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      } catch {
        // Another secret (a rotation) or an altered value: as if nothing were stored.
        return undefined;
      }
    },
    hash(...parts) {
      const mac = createHmac('sha256', hashingKey);
      for (const part of parts) mac.update(part).update('\0');
      return mac.digest('base64url');
    },
  };
}
