/**
 * A local OTLP/gRPC traces receiver on loopback (no TLS): the real `@grpc/grpc-js` server with
 * the collector's `opentelemetry.proto.collector.trace.v1.TraceService/Export` method, declared
 * by hand with raw-bytes (de)serializers; each request's protobuf is decoded by
 * `otlp-protobuf.ts` and its metadata kept. The answer is an empty `ExportTraceServiceResponse`.
 */
import {
  type Metadata,
  Server,
  ServerCredentials,
  type ServiceDefinition,
  type UntypedHandleCall,
} from '@grpc/grpc-js';
import { decodeTraceRequest } from './otlp-protobuf.js';
import type { ReceivedSpan } from './otlp-receiver.js';

/** A running gRPC receiver. */
export interface OtlpGrpcReceiver {
  /** `http://127.0.0.1:<port>`, the endpoint for the exporter. */
  url: string;
  spans: ReceivedSpan[];
  metadata: Metadata[];
  close(): Promise<void>;
}

const raw = (b: Buffer) => b;

const TRACE_SERVICE: ServiceDefinition = {
  Export: {
    path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
    requestStream: false,
    responseStream: false,
    requestSerialize: raw,
    requestDeserialize: raw,
    responseSerialize: raw,
    responseDeserialize: raw,
  },
};

/** Starts the receiver on 127.0.0.1 (a free port). */
export async function startOtlpGrpcReceiver(): Promise<OtlpGrpcReceiver> {
  const spans: ReceivedSpan[] = [];
  const metadata: Metadata[] = [];
  const server = new Server();
  const exportCall: UntypedHandleCall = (
    call: { request: Buffer; metadata: Metadata },
    callback: (err: null, response: Buffer) => void,
  ) => {
    metadata.push(call.metadata);
    for (const s of decodeTraceRequest(call.request)) {
      const { kind: _k, startNs: _s, endNs: _e, status: _st, ...span } = s;
      spans.push(span);
    }
    callback(null, Buffer.alloc(0));
  };
  server.addService(TRACE_SERVICE, { Export: exportCall });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    metadata,
    close: () =>
      new Promise((resolve) => {
        server.tryShutdown(() => resolve());
      }),
  };
}
