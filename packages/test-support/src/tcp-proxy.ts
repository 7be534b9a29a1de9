import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a server (Redis) that can hold the server's replies back while still
 * forwarding every request: the network fault where a command reaches Redis and runs, but its
 * answer arrives after the client gave up. Stands in for toxiproxy, which is not a Debian package.
 */
export class TcpProxy {
  private readonly links = new Set<{ client: Socket; upstream: Socket; held: Buffer[] }>();
  private holdMarker: Buffer | undefined;
  private holding = false;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    let proxy: TcpProxy | undefined;
    const server = createServer((client) => proxy?.link(client, target));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    proxy = new TcpProxy(server, typeof address === 'object' && address ? address.port : 0);
    return proxy;
  }

  /** For a redis:// URL: the proxy in front of its host and port. */
  static forRedisUrl(url: string): Promise<TcpProxy> {
    const { hostname, port } = new URL(url);
    return TcpProxy.start({ host: hostname, port: Number(port || 6379) });
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** From the first request whose bytes contain `marker` on, replies are kept back until `release()`. */
  holdRepliesAfter(marker: string): void {
    this.holdMarker = Buffer.from(marker);
  }

  /** Sends every reply kept back, in order, and forwards replies as they come again. */
  release(): void {
    this.holdMarker = undefined;
    this.holding = false;
    for (const link of this.links) {
      for (const chunk of link.held.splice(0)) link.client.write(chunk);
    }
  }

  async close(): Promise<void> {
    for (const { client, upstream } of this.links) {
      client.destroy();
      upstream.destroy();
    }
    this.server.close();
    await once(this.server, 'close');
  }

  private link(client: Socket, target: { host: string; port: number }): void {
    const upstream = connect(target.port, target.host);
    const link = { client, upstream, held: [] as Buffer[] };
    this.links.add(link);
    client.on('data', (chunk: Buffer) => {
      if (this.holdMarker && chunk.includes(this.holdMarker)) this.holding = true;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (this.holding) link.held.push(chunk);
      else client.write(chunk);
    });
    const end = () => {
      this.links.delete(link);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  }
}
