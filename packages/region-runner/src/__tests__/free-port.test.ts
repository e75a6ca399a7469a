import { createServer } from 'node:net';
import { freePort } from '../processes';

describe('freePort', () => {
  it('never hands out the same port twice in a process, though each is free again once it is chosen', async () => {
    const ports = [];
    // Chosen before anything listens on them, as startRegion chooses a region's ports: the
    // operating system is free to offer a port again, freePort is not.
    for (let i = 0; i < 1500; i++) ports.push(await freePort());
    expect(new Set(ports).size).toBe(ports.length);
    for (const port of ports) expect(port).toBeGreaterThan(0);
  });

  it('hands out a port nothing listens on', async () => {
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
