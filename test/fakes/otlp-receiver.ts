/**
 * A local OTLP/HTTP traces receiver on loopback: accepts `POST /v1/traces` with OTLP JSON
 * (`application/json`) or protobuf (`application/x-protobuf`, decoded by `otlp-protobuf.ts`),
 * keeps each request's headers, its encoding and its spans, answers 200 with an empty partial
 * success in the request's encoding. Anything else is 404 (wrong path) or 415 (another content
 * type), so an exporter misconfigured against it fails visibly.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { decodeTraceRequest } from './otlp-protobuf.js';

/** One OTLP attribute value as JSON carries it. */
export interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}

/** One received span, flattened. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Record<string, string | number | boolean>;
  events: string[];
  /** Attributes of the span's resource. */
  resource: Record<string, string | number | boolean>;
}

/** A running receiver. */
export interface OtlpReceiver {
  url: string;
  spans: ReceivedSpan[];
  headers: IncomingHttpHeaders[];
  /** The encoding of each request, in order. */
  encodings: Array<'json' | 'protobuf'>;
  close(): Promise<void>;
}

type KeyValue = { key: string; value: OtlpValue };

function flat(list: readonly KeyValue[] | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of list ?? []) {
    out[key] =
      value.stringValue ??
      (value.intValue !== undefined ? Number(value.intValue) : undefined) ??
      value.boolValue ??
      value.doubleValue ??
      '';
  }
  return out;
}

/** Starts the receiver on 127.0.0.1 (a free port). */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const headers: IncomingHttpHeaders[] = [];
  const encodings: Array<'json' | 'protobuf'> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      const type = String(req.headers['content-type']);
      if (type.startsWith('application/x-protobuf')) {
        headers.push(req.headers);
        encodings.push('protobuf');
        for (const s of decodeTraceRequest(Buffer.concat(chunks))) {
          const { kind: _k, startNs: _s, endNs: _e, status: _st, ...span } = s;
          spans.push(span);
        }
        // An empty ExportTraceServiceResponse is zero bytes.
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        return;
      }
      if (!type.startsWith('application/json')) {
        res.writeHead(415).end();
        return;
      }
      headers.push(req.headers);
      encodings.push('json');
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        resourceSpans?: Array<{
          resource?: { attributes?: KeyValue[] };
          scopeSpans?: Array<{
            spans?: Array<{
              traceId: string;
              spanId: string;
              parentSpanId?: string;
              name: string;
              attributes?: KeyValue[];
              events?: Array<{ name: string }>;
            }>;
          }>;
        }>;
      };
      for (const rs of body.resourceSpans ?? []) {
        const resource = flat(rs.resource?.attributes);
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) {
            spans.push({
              traceId: s.traceId,
              spanId: s.spanId,
              ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
              name: s.name,
              attributes: flat(s.attributes),
              events: (s.events ?? []).map((e) => e.name),
              resource,
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = addr && typeof addr === 'object' ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    headers,
    encodings,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
