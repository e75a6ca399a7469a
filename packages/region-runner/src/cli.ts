import { relative } from 'node:path';
import { stopOnSignals } from '@samverkan/server-kit';
import { devKeyFile, rotateKeyFile, startDevIdentityProvider } from './dev-idp';
import { REPO_ROOT } from './processes';
import { startRegion } from './region';

/**
 * `npm start`: the whole demo region on this machine. Uses DATABASE_URL when set, else an
 * embedded PostgreSQL in .data/. REGION_MANIFEST picks another region (default GR's 13).
 * `npm start -- --reseed` replaces the demo data.
 *
 * Tokens: a development identity provider runs here. Its Ed25519 key pair is made on first start
 * in .data/dev-idp/keys.json (mode 0600) and its public keys are served at
 * http://127.0.0.1:$DEV_IDP_PORT/.well-known/jwks.json (default port 4090); every service
 * verifies tokens with that JWKS, none holds a secret that could mint one. `npm run token` signs
 * with the key; `npm start -- --rotate-key` (or `npm run idp -- rotate` while running) starts a
 * rollover, `npm run idp -- retire` ends it.
 */
/**
 * Set once Ctrl-C (or SIGTERM) arrives. The terminal sends it to every process of the region at
 * once, the embedded PostgreSQL too: what the services say about their connections closing under
 * them, or a start cut short, is expected, not news; only errors are shown from then on.
 */
let stopping = false;
const noteStop = (): void => {
  stopping = true;
  // During the start, the region stops by failing to start: this process waits for its services to
  // end (a service whose parent is gone cannot write its last lines), then exits quietly (see the
  // end of this file). Should anything hang, this ends it.
  setTimeout(() => process.exit(130), 30_000).unref();
};
process.once('SIGINT', noteStop);
process.once('SIGTERM', noteStop);

async function main(): Promise<void> {
  const started = Date.now();
  if (process.env.JWT_SECRET) console.error('JWT_SECRET is ignored by npm start: the region verifies tokens with the development identity provider\'s public keys.');
  if (process.argv.includes('--rotate-key')) await rotateKeyFile(devKeyFile());
  const idp = await startDevIdentityProvider({ port: process.env.DEV_IDP_PORT ? Number(process.env.DEV_IDP_PORT) : 4090 });
  const region = await startRegion({
    manifestFile: process.env.REGION_MANIFEST,
    databaseUrl: process.env.DATABASE_URL,
    jwksUrl: idp.jwksUrl,
    seed: process.argv.includes('--reseed') ? 'always' : 'if-empty',
    syntheticProjects: process.env.SYNTHETIC_PROJECTS ? Number(process.env.SYNTHETIC_PROJECTS) : undefined,
    gatewayPort: process.env.PORT ? Number(process.env.PORT) : undefined,
    echo: (line) => {
      if (!stopping || isError(line)) process.stderr.write(`${line}\n`);
    },
  }).catch(async (err: unknown) => {
    await idp.close();
    throw err;
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const sample = region.manifest.members.find((m) => m.code === '1480') ?? region.manifest.members[0];
  const token = await idp.token({ role: 'kommun-editor', subject: `demo-editor-${sample.code}`, municipality: sample.code });
  const key = await idp.current();
  console.log(`
Samverkan: ${region.manifest.name}, ${region.kommuner.size} kommuner, ready in ${seconds} s
  PostgreSQL: ${region.postgres.embedded ? 'embedded (.data/postgres)' : 'DATABASE_URL'}
  Region subgraph: ${region.regionUrl}
  Kommun subgraphs: ${[...region.kommuner].map(([code, url]) => `${code} ${url}`).join(', ')}

Gateway: ${region.gatewayUrl}
Health:  ${region.gatewayUrl.replace('/graphql', '/health')}
Dashboard: ${region.gatewayUrl.replace('/graphql', '/')}   Workbench (GraphiQL): ${region.gatewayUrl.replace('/graphql', '/graphiql/')}

Tokens: development identity provider ${idp.jwksUrl}
  key ${key.kid} (EdDSA) in ${relative(REPO_ROOT, idp.keyFile)}; no service holds a shared secret.
  More tokens: npm run token -- kommun-editor <kommunkod> | region-editor

Try:
  curl -s ${region.gatewayUrl} -H 'content-type: application/json' -d '{"query":"{ region { name population } projectStats(groupBy: [MUNICIPALITY]) { municipality { name } count budgetTotal } }"}'

A token for an editor of ${sample.name} (${sample.code}), valid 8 hours:
  ${token}

Ctrl-C stops everything.`);
  stopOnSignals(async () => {
    console.log('\nstopping…');
    await region.stop();
    await idp.close();
  }, 30_000);
}

/** A service's log line at level error or above (pino's JSON: 50 is error). */
function isError(line: string): boolean {
  try {
    return ((JSON.parse(line) as { level?: unknown }).level as number) >= 50;
  } catch {
    return false;
  }
}

main().catch((err) => {
  if (stopping) process.exit(130);
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
