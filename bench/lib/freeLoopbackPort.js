import { createServer } from 'node:net';

/** A TCP port free on 127.0.0.1 right now (the OS picks it; a server binds it next). */
export function freeLoopbackPort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
