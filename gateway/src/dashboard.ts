import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';

/**
 * The dashboard's built files at `/` and the analysts' workbench (GraphiQL) at `/graphiql/`,
 * everything from this gateway (no CDN, Monaco's workers included): their pages are routed in the
 * browser (by query string), so only the two pages and the hashed assets are asked for. When the
 * folder was never built, `/` says how to build it.
 */
export function dashboard(dir: string): express.RequestHandler {
  const files = express.static(dir, { index: 'index.html', fallthrough: true, maxAge: 0 });
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (!existsSync(join(dir, 'index.html'))) {
      if (req.path !== '/') return next();
      res.status(503).type('text/plain').send(`The dashboard is not built (${dir}): run npm run build:dashboard, then reload.\nGraphQL is at /graphql.\n`);
      return;
    }
    // Hashed assets never change under their name; the page itself always asks again.
    if (req.path.startsWith('/assets/')) res.setHeader('cache-control', 'public, max-age=31536000, immutable');
    files(req, res, next);
  };
}
