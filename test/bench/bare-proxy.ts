import http from 'node:http';

/**
 * The floor for any gateway in front of one subgraph: a bare proxy on PORT to TARGET_URL that does
 * only what every GraphQL gateway must (read the request's JSON, send it on over a kept-alive
 * connection, read the answer's JSON and write it back) and nothing else: no parsing of the
 * document, no limits, no routing. Its p50 through the benchmark's scenarios against the subgraph
 * asked directly shows what one more process in the way costs on the machine measured, whatever
 * that process does.
 */
const target = new URL(process.env.TARGET_URL!);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function forward(body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString()));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    Promise.resolve()
      .then(() => forward(JSON.stringify(JSON.parse(Buffer.concat(chunks).toString()))))
      .then((answer) => {
        const text = JSON.stringify(JSON.parse(answer));
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text);
      })
      .catch((err: Error) => {
        res.writeHead(502, { 'content-type': 'text/plain' }).end(err.message);
      });
  });
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  console.log(`READY http://127.0.0.1:${port}/graphql`);
});
const stop = () => server.close(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
