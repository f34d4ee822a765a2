/**
 * Tracing set-up from the standard OpenTelemetry variables: whether tracing is on, where spans
 * go and how (OTLP JSON or protobuf over HTTP, or gRPC), and the tracer provider (a batch
 * processor in front of the official OTLP exporter for that protocol). Only {@link startTracing}
 * loads the OpenTelemetry SDK and only the one exporter chosen, so a process with tracing off
 * loads none of them.
 *
 * @module
 */
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Config } from '../config/schema.js';
import type { CallTracer } from './call-tracer.js';

/** The settings tracing reads. */
export type TracingSettings = Pick<
  Config,
  | 'OTEL_SDK_DISABLED'
  | 'OTEL_TRACES_EXPORTER'
  | 'OTEL_EXPORTER_OTLP_ENDPOINT'
  | 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'
  | 'OTEL_EXPORTER_OTLP_PROTOCOL'
  | 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'
  | 'OTEL_EXPORTER_OTLP_HEADERS'
  | 'OTEL_EXPORTER_OTLP_TRACES_HEADERS'
  | 'OTEL_SERVICE_NAME'
  | 'OTEL_RESOURCE_ATTRIBUTES'
  | 'VOXSTATE_TRACE_TEXT'
  | 'VOXSTATE_LOG_TRANSCRIPTS'
>;

/** Where spans go and what they carry, once tracing is on. */
export interface TracingOptions {
  exporter: 'otlp' | 'console';
  /** How OTLP travels (with `exporter: 'otlp'`). */
  protocol: OtlpProtocol;
  /** The OTLP traces URL (with `exporter: 'otlp'`): `.../v1/traces` over HTTP, the endpoint over gRPC. */
  url: string;
  /** Secret: never logged. */
  headers: Record<string, string>;
  serviceName: string;
  resource: Record<string, string>;
  /** Words in spans (both switches on). */
  includeText: boolean;
}

/** OTLP transports, as `OTEL_EXPORTER_OTLP_PROTOCOL` names them. */
export type OtlpProtocol = 'http/json' | 'http/protobuf' | 'grpc';

/** The default OTLP/HTTP endpoint of the specification. */
export const DEFAULT_OTLP_ENDPOINT = 'http://localhost:4318';

/** The default OTLP/gRPC endpoint of the specification. */
export const DEFAULT_OTLP_GRPC_ENDPOINT = 'http://localhost:4317';

function pairsOf(items: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items ?? []) {
    const i = item.indexOf('=');
    out[decodeURIComponent(item.slice(0, i).trim())] = decodeURIComponent(item.slice(i + 1).trim());
  }
  return out;
}

/**
 * The tracing options of `settings`, or undefined when tracing is off: no exporter named and no
 * endpoint set, `OTEL_TRACES_EXPORTER=none`, or `OTEL_SDK_DISABLED=true`.
 */
export function tracingOptionsOf(settings: TracingSettings): TracingOptions | undefined {
  if (settings.OTEL_SDK_DISABLED) return undefined;
  const base = settings.OTEL_EXPORTER_OTLP_ENDPOINT;
  const full = settings.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const exporter = settings.OTEL_TRACES_EXPORTER ?? (base || full ? 'otlp' : 'none');
  if (exporter === 'none') return undefined;
  const protocol =
    settings.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? settings.OTEL_EXPORTER_OTLP_PROTOCOL;
  const url =
    full ??
    (protocol === 'grpc'
      ? (base ?? DEFAULT_OTLP_GRPC_ENDPOINT)
      : `${(base ?? DEFAULT_OTLP_ENDPOINT).replace(/\/+$/, '')}/v1/traces`);
  return {
    exporter,
    protocol,
    url,
    headers: {
      ...pairsOf(settings.OTEL_EXPORTER_OTLP_HEADERS),
      ...pairsOf(settings.OTEL_EXPORTER_OTLP_TRACES_HEADERS),
    },
    serviceName: settings.OTEL_SERVICE_NAME,
    resource: pairsOf(settings.OTEL_RESOURCE_ATTRIBUTES),
    includeText: settings.VOXSTATE_TRACE_TEXT && settings.VOXSTATE_LOG_TRANSCRIPTS,
  };
}

/** The official OTLP exporter for the options' protocol, its module loaded now. */
async function otlpExporter(options: TracingOptions): Promise<SpanExporter> {
  const { url, headers } = options;
  switch (options.protocol) {
    case 'http/protobuf': {
      const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
      return new OTLPTraceExporter({ url, headers });
    }
    case 'grpc': {
      const [{ OTLPTraceExporter }, grpc] = await Promise.all([
        import('@opentelemetry/exporter-trace-otlp-grpc'),
        import('@grpc/grpc-js'),
      ]);
      // Headers travel as gRPC metadata; the exporter goes without TLS to an http:// endpoint.
      const metadata = new grpc.Metadata();
      for (const [key, value] of Object.entries(headers)) metadata.set(key, value);
      return new OTLPTraceExporter({ url, metadata });
    }
    default: {
      const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
      return new OTLPTraceExporter({ url, headers });
    }
  }
}

/** Tracing in force: the call tracer and the provider's flush and shutdown. */
export interface Tracing {
  readonly tracer: CallTracer;
  /** Exports the spans still buffered. */
  flush(): Promise<void>;
  /** Exports what is buffered and stops. */
  shutdown(): Promise<void>;
}

/**
 * Starts tracing: loads the SDK, builds the provider (resource with `service.name` and the
 * extra attributes, a batch processor) and the call tracer. `exporter` replaces the configured
 * one (tests pass an in-memory exporter).
 *
 * @example
 * ```ts
 * const options = tracingOptionsOf(readEnv(process.env));
 * const tracing = options ? await startTracing(options) : undefined;
 * runtime = await Runtime.create({ config, tracer: tracing?.tracer });
 * ```
 */
export async function startTracing(
  options: TracingOptions,
  exporter?: SpanExporter,
): Promise<Tracing> {
  const [{ CallTracer }, sdk, { resourceFromAttributes }, { ATTR_SERVICE_NAME }] =
    await Promise.all([
      import('./call-tracer.js'),
      import('@opentelemetry/sdk-trace-base'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/semantic-conventions'),
    ]);
  const chosen =
    exporter ??
    (options.exporter === 'console' ? new sdk.ConsoleSpanExporter() : await otlpExporter(options));
  const provider = new sdk.BasicTracerProvider({
    resource: resourceFromAttributes({
      ...options.resource,
      [ATTR_SERVICE_NAME]: options.serviceName,
    }),
    spanProcessors: [new sdk.BatchSpanProcessor(chosen)],
  });
  const tracer = new CallTracer({
    tracer: provider.getTracer('voxstate'),
    includeText: options.includeText,
  });
  return {
    tracer,
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
