import express from 'express';

/** The express app of every Samverkan server. It does not say what it runs on (`X-Powered-By`). */
export function createApp(): express.Express {
  const app = express();
  app.disable('x-powered-by');
  return app;
}
