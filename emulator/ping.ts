/**
 * The HTTPS interface of the services the emulator creates, on loopback: each service gets its
 * own server (so its host and port tell it apart, as a real service's host does), answering
 * `GET /ping` as ClickHouse does once it takes traffic. Servers are made ahead of need, since a
 * create's answer must name the port and the emulator's handlers answer synchronously.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type PingAnswer = { status: number; body: string };

export interface PingHost {
  host: string;
  port: number;
  close(): void;
}

const SPARES = 2;

export class PingHosts {
  private readonly spares: Server[] = [];
  private readonly answers = new Map<Server, () => PingAnswer>();
  private readonly open = new Set<Server>();

  /** Keeps SPARES servers listening, ready to be handed to the next creates. */
  async fill(): Promise<void> {
    while (this.spares.length < SPARES) {
      const server = createServer((req, res) => {
        const answer =
          req.method === 'GET' && req.url === '/ping'
            ? (this.answers.get(server)?.() ?? { status: 503, body: 'no service' })
            : { status: 404, body: 'Not found' };
        res.writeHead(answer.status, { 'Content-Type': 'text/plain; charset=UTF-8' }).end(answer.body);
      });
      this.open.add(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      this.spares.push(server);
    }
  }

  /** A listening server for a new service (`answer` says what its /ping answers now); undefined when none is ready yet. */
  take(answer: () => PingAnswer): PingHost | undefined {
    const server = this.spares.shift();
    if (!server) return undefined;
    void this.fill();
    this.answers.set(server, answer);
    return {
      host: '127.0.0.1',
      port: (server.address() as AddressInfo).port,
      close: () => this.closeServer(server),
    };
  }

  close(): void {
    for (const server of [...this.open]) this.closeServer(server);
    this.spares.length = 0;
  }

  private closeServer(server: Server): void {
    this.answers.delete(server);
    this.open.delete(server);
    server.close();
    server.closeAllConnections();
  }
}
