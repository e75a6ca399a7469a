import { Client } from 'pg';

/** Every row of every table of a database, for proving that a refused request changed nothing. */
export async function snapshotDatabase(url: string): Promise<Record<string, unknown[]>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
    );
    const out: Record<string, unknown[]> = {};
    for (const { name } of tables) out[name] = (await client.query(`SELECT * FROM "${name}" ORDER BY 1`)).rows;
    return out;
  } finally {
    await client.end();
  }
}
