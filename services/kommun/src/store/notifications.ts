import { Client } from 'pg';
import type { Logger } from '@samverkan/server-kit';
import type { ChangeKind } from '../graphql/enums';

/**
 * The channel project changes are announced on. A trigger on the project tables notifies (see the
 * ProjectChangeEvents migration), so every writer of the database is heard, not only this service;
 * NOTIFY is delivered only when the write commits.
 */
export const PROJECT_CHANNEL = 'samverkan_project_changed';

/** What the trigger sends: the change, the project's kommun and local id, the time of the write. */
export interface ProjectChangeMessage {
  kind: ChangeKind;
  code: string;
  local: number;
  at: string;
}

export interface ChangeListener {
  /**
   * Holds the LISTEN connection open, opening it first when no one holds it: once this resolves,
   * every committed change reaches `onChange`. The answer lets go again.
   */
  hold(): Promise<() => void>;
  /** Whether the LISTEN connection is open now. */
  readonly listening: boolean;
  /** How many hold it now: the subscriptions running at this instance. */
  readonly holders: number;
  stop(): Promise<void>;
}

/**
 * Listens for committed project changes while someone holds the listener (a subscription), and
 * holds no connection otherwise: a kommun with no subscribers spends none of its database's
 * connections on listening. The connection is kept `lingerMs` after the last holder lets go, so
 * subscribers that come and go do not reconnect each time, and is reopened with a growing delay
 * when it drops while held.
 */
export function listenForProjectChanges(url: string, onChange: (m: ProjectChangeMessage) => void, logger: Logger, lingerMs = 5000): ChangeListener {
  let client: Client | null = null;
  let connecting: Promise<void> | null = null;
  let holders = 0;
  let stopped = false;
  let delay = 250;
  let retry: NodeJS.Timeout | null = null;
  let linger: NodeJS.Timeout | null = null;

  const connect = (): Promise<void> => {
    connecting ??= (async () => {
      const c = new Client({ connectionString: url });
      c.on('error', (err) => {
        logger.warn({ err }, 'change listener lost its connection');
        drop(c);
      });
      c.on('end', () => drop(c));
      c.on('notification', (n) => {
        if (n.channel !== PROJECT_CHANNEL || !n.payload) return;
        try {
          onChange(JSON.parse(n.payload) as ProjectChangeMessage);
        } catch (err) {
          logger.warn({ err }, 'ignored a malformed change notification');
        }
      });
      try {
        await c.connect();
        await c.query(`LISTEN ${PROJECT_CHANNEL}`);
      } catch (err) {
        c.removeAllListeners('end');
        await c.end().catch(() => undefined);
        throw err;
      }
      if (stopped || holders === 0) {
        c.removeAllListeners('end');
        await c.end().catch(() => undefined);
        return;
      }
      client = c;
      delay = 250;
    })().finally(() => {
      connecting = null;
    });
    return connecting;
  };

  const close = (): void => {
    const c = client;
    client = null;
    if (c) {
      c.removeAllListeners('end');
      c.end().catch(() => undefined);
    }
  };

  const scheduleReconnect = (): void => {
    if (stopped || retry || holders === 0) return;
    retry = setTimeout(() => {
      retry = null;
      connect().catch((err) => {
        logger.warn({ err }, 'change listener could not reconnect');
        delay = Math.min(delay * 2, 10_000);
        scheduleReconnect();
      });
    }, delay);
  };

  const drop = (c: Client): void => {
    if (client !== c) return;
    close();
    scheduleReconnect();
  };

  return {
    get listening() {
      return client !== null;
    },
    get holders() {
      return holders;
    },
    async hold() {
      if (stopped) throw new Error('the change listener is stopped');
      holders++;
      if (linger) clearTimeout(linger);
      linger = null;
      try {
        if (!client) await connect();
        if (!client) throw new Error('the change listener could not open its connection');
      } catch (err) {
        holders--;
        throw err;
      }
      let released = false;
      return () => {
        if (released) return;
        released = true;
        if (--holders > 0 || stopped) return;
        linger = setTimeout(() => {
          linger = null;
          if (holders === 0) close();
        }, lingerMs);
        linger.unref();
      };
    },
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      if (linger) clearTimeout(linger);
      await connecting?.catch(() => undefined);
      close();
    },
  };
}
