import { Client } from 'pg';
import type { Logger } from '@samverkan/common';
import { PROJECT_CHANNEL, type ProjectChangeMessage } from './writes';

/**
 * Listens for committed project changes (NOTIFY from any writer of this database, any replica)
 * and hands them on. Reconnects with a growing delay when the connection drops.
 */
export function listenForProjectChanges(url: string, onChange: (m: ProjectChangeMessage) => void, logger: Logger) {
  let client: Client | null = null;
  let stopped = false;
  let delay = 250;
  let timer: NodeJS.Timeout | null = null;

  const connect = async (): Promise<void> => {
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
    if (stopped) {
      await c.end().catch(() => undefined);
      return;
    }
    client = c;
    delay = 250;
  };

  const scheduleConnect = (): void => {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = null;
      connect().catch((err) => {
        logger.warn({ err }, 'change listener could not reconnect');
        delay = Math.min(delay * 2, 10_000);
        scheduleConnect();
      });
    }, delay);
  };

  const drop = (c: Client): void => {
    if (client !== c) return;
    client = null;
    c.removeAllListeners('end');
    c.end().catch(() => undefined);
    scheduleConnect();
  };

  return {
    ready: connect(),
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = null;
      if (c) {
        c.removeAllListeners('end');
        await c.end().catch(() => undefined);
      }
    },
  };
}
