import { Client } from 'pg';

/** Every row of every table of a database, for proving that a refused request changed nothing. */
export async function snapshotDatabase(url: string): Promise<Record<string, unknown[]>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await readEveryTable(client);
  } finally {
    await client.end();
  }
}

/**
 * `snapshotDatabase` over one connection per database, kept open until `close`: for a suite that
 * takes hundreds of snapshots, each then costs two round trips instead of a new connection and
 * one query per table. The tables are listed afresh every time.
 */
export function databaseSnapshots() {
  const clients = new Map<string, Promise<Client>>();
  const connect = (url: string) => {
    let c = clients.get(url);
    if (!c) {
      const client = new Client({ connectionString: url });
      c = client.connect().then(() => client);
      c.catch(() => clients.delete(url));
      clients.set(url, c);
    }
    return c;
  };
  return {
    take: async (url: string) => readEveryTable(await connect(url)),
    async close() {
      const open = [...clients.values()];
      clients.clear();
      await Promise.allSettled(open.map(async (c) => (await c).end()));
    },
  };
}

async function readEveryTable(client: Client): Promise<Record<string, unknown[]>> {
  const { rows: tables } = await client.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  const out: Record<string, unknown[]> = {};
  if (!tables.length) return out;
  // One round trip: the statements go together, each answering its table's rows.
  const answers = (await client.query(tables.map(({ name }) => `SELECT * FROM "${name}" ORDER BY 1;`).join('\n'))) as unknown;
  const results = (Array.isArray(answers) ? answers : [answers]) as Array<{ rows: unknown[] }>;
  tables.forEach(({ name }, i) => (out[name] = results[i].rows));
  return out;
}
