import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One span as an OTLP/JSON export carries it, with its process's `service.name`. */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, string | number | boolean>;
}

interface AnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}
interface KeyValue {
  key: string;
  value: AnyValue;
}
interface ExportRequest {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: {
      spans?: { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes?: KeyValue[] }[];
    }[];
  }[];
}

const anyValue = (value: AnyValue) =>
  value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : (value.doubleValue ?? value.boolValue ?? ''));
const attributesOf = (list: KeyValue[] = []) => Object.fromEntries(list.map(({ key, value }) => [key, anyValue(value)]));

/**
 * An OTLP/HTTP trace receiver on loopback, as a collector would be: it records the spans of every
 * OTLP/JSON export POSTed to /v1/traces, and counts the requests of any encoding (protobuf too).
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  /** Every export request, with its Content-Type. */
  readonly requests: { contentType: string; bytes: number }[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<OtlpReceiver> {
    let receiver: OtlpReceiver | undefined;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks);
        const contentType = request.headers['content-type'] ?? '';
        receiver?.requests.push({ contentType, bytes: body.length });
        if (request.url === '/v1/traces' && contentType.startsWith('application/json'))
          receiver?.record(JSON.parse(body.toString('utf8')));
        response
          .writeHead(200, { 'content-type': contentType || 'application/json' })
          .end(contentType.startsWith('application/json') ? '{}' : '');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiver = new OtlpReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return receiver;
  }

  private record(request: ExportRequest): void {
    for (const { resource, scopeSpans = [] } of request.resourceSpans ?? []) {
      const service = String(attributesOf(resource?.attributes)['service.name'] ?? '');
      for (const { spans = [] } of scopeSpans) {
        for (const span of spans) {
          this.spans.push({
            service,
            traceId: span.traceId,
            spanId: span.spanId,
            parentSpanId: span.parentSpanId ?? '',
            name: span.name,
            kind: span.kind,
            attributes: attributesOf(span.attributes),
          });
        }
      }
    }
  }

  /** The chain of spans from this one up to its trace's root (or the first parent not received). */
  ancestors(span: ReceivedSpan): ReceivedSpan[] {
    const chain: ReceivedSpan[] = [];
    let parent = this.spans.find((candidate) => candidate.spanId === span.parentSpanId);
    while (parent && chain.length < 100) {
      chain.push(parent);
      const id = parent.parentSpanId;
      parent = this.spans.find((candidate) => candidate.spanId === id);
    }
    return chain;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
