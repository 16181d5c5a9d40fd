import type { UserCredentials } from '../../gen/index.quickblox.v1';
import type { GatewayCallOptions, GatewayClient } from './gateway-client';
import { GatewayError } from './gateway-error';

/**
 * A service acting as one QuickBlox user: it logs in on first use, sends the
 * token with every call it runs, and when the gateway says the session
 * expired, logs in again once and repeats the call once. The credentials are
 * kept only to log in again and never appear in errors or logs.
 */
export class UserSession {
  #token: Promise<string> | undefined;
  readonly #credentials: UserCredentials['method'];

  constructor(
    private readonly client: GatewayClient,
    credentials: UserCredentials['method'],
  ) {
    this.#credentials = credentials;
  }

  /** A logged-in session token (logging in when there is none yet). */
  token(): Promise<string> {
    this.#token ??= this.client.sessions
      .createSession({ subject: { $case: 'user', value: { method: this.#credentials } } })
      .then((reply) => {
        if (!reply.session?.token) throw new Error('the gateway answered CreateSession without a session');
        return reply.session.token;
      })
      .catch((e: unknown) => {
        this.#token = undefined;
        throw e;
      });
    return this.#token;
  }

  /**
   * Runs `call` with this user's token. On SESSION_EXPIRED it logs in again
   * and runs it once more.
   *
   *     const me = new UserSession(client, { $case: 'loginPassword', value: { login, password } });
   *     const { user } = await me.run((o) => client.users.updateUser({ id, user: { fullName } }, o));
   */
  async run<T>(call: (options: GatewayCallOptions) => Promise<T>): Promise<T> {
    const token = await this.token();
    try {
      return await call({ token });
    } catch (e) {
      if (!(e instanceof GatewayError) || !e.isSessionExpired()) throw e;
      if (this.#token && (await this.#token.catch(() => undefined)) === token) this.#token = undefined;
      return call({ token: await this.token() });
    }
  }

  /** Ends the session upstream; the next `run` logs in again. */
  async destroy(): Promise<void> {
    const token = this.#token;
    this.#token = undefined;
    if (token) await this.client.sessions.destroySession({}, { token: await token });
  }
}
