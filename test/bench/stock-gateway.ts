import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway } from '@apollo/gateway';

/** Baseline: stock @apollo/gateway with its own data source over SUPERGRAPH_FILE, on PORT. */
async function main(): Promise<void> {
  const gateway = new ApolloGateway({ supergraphSdl: readFileSync(process.env.SUPERGRAPH_FILE!, 'utf8') });
  const server = new ApolloServer({ gateway, plugins: [ApolloServerPluginInlineTraceDisabled()], stopOnTerminationSignals: false });
  const { url } = await startStandaloneServer(server, { listen: { port: Number(process.env.PORT ?? 0), host: '127.0.0.1' } });
  console.log(`READY ${url}`);
  const stop = () => void server.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
