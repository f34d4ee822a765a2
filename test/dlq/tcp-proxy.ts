import { createServer, type Server, Socket } from 'node:net';

/** A TCP proxy to a target port that can be taken down and brought back on the same port. */
export class TcpProxy {
  #server: Server | undefined;
  #sockets = new Set<Socket>();
  port = 0;
  constructor(readonly targetPort: number) {}

  async up(): Promise<void> {
    const server = createServer((client) => {
      const upstream = new Socket();
      upstream.connect(this.targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on('close', () => this.#sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    const addr = server.address();
    if (addr && typeof addr === 'object') this.port = addr.port;
    this.#server = server;
  }

  async down(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
