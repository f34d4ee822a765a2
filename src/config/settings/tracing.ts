/**
 * Settings of OpenTelemetry tracing: the standard `OTEL_*` variables voxstate reads. Tracing is
 * on when a traces endpoint is set (or `OTEL_TRACES_EXPORTER` names an exporter) and
 * `OTEL_SDK_DISABLED` is not true.
 *
 * @module
 */
import { bool, httpUrl, list, oneOf, setting, text } from '../kinds.js';

const TRACING = 'tracing';

/** OTLP transports, as the specification names them. */
const PROTOCOLS = ['http/json', 'http/protobuf', 'grpc'] as const;

/** `key=value` pairs, comma separated (`OTEL_RESOURCE_ATTRIBUTES`, `OTEL_EXPORTER_OTLP_HEADERS`). */
const pairs = list({ expected: '`key=value` pairs', test: (s) => /^[^=\s]+=.*$/.test(s) });

/** OpenTelemetry variables. */
export const TRACING_SETTINGS = {
  OTEL_SDK_DISABLED: setting(bool, {
    group: TRACING,
    default: false,
    description: 'switches tracing off whatever else is set',
  }),
  OTEL_TRACES_EXPORTER: setting(oneOf(['otlp', 'console', 'none']), {
    group: TRACING,
    defaultDoc: '`otlp` when an endpoint is set, else `none`',
    description:
      '`otlp` (OTLP to the endpoint below), `console` (spans printed to stdout, for a quick look) or `none`',
  }),
  OTEL_EXPORTER_OTLP_ENDPOINT: setting(httpUrl, {
    group: TRACING,
    description:
      'OTLP base URL (a collector, Jaeger, Tempo...); over HTTP traces go to `<endpoint>/v1/traces`, over gRPC to the endpoint itself. Setting it switches tracing on',
  }),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: setting(httpUrl, {
    group: TRACING,
    description: 'full URL for traces, used as is; wins over `OTEL_EXPORTER_OTLP_ENDPOINT`',
  }),
  OTEL_EXPORTER_OTLP_PROTOCOL: setting(oneOf(PROTOCOLS), {
    group: TRACING,
    default: 'http/json',
    description:
      'how spans travel: `http/json` (OTLP JSON over HTTP, default endpoint `http://localhost:4318`), `http/protobuf` (OTLP protobuf over HTTP, same endpoint) or `grpc` (OTLP over gRPC, default endpoint `http://localhost:4317`); the exporter for it is loaded only when tracing is on',
  }),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: setting(oneOf(PROTOCOLS), {
    group: TRACING,
    defaultDoc: '`OTEL_EXPORTER_OTLP_PROTOCOL`',
    description: 'the same for traces only; wins over `OTEL_EXPORTER_OTLP_PROTOCOL`',
  }),
  OTEL_EXPORTER_OTLP_HEADERS: setting(pairs, {
    group: TRACING,
    secret: true,
    description: 'headers sent with each export, `key=value,...` (an API key: never logged)',
  }),
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: setting(pairs, {
    group: TRACING,
    secret: true,
    description: 'headers for traces only; added over `OTEL_EXPORTER_OTLP_HEADERS`',
  }),
  OTEL_SERVICE_NAME: setting(text, {
    group: TRACING,
    default: 'voxstate',
    description: '`service.name` of the spans',
  }),
  OTEL_RESOURCE_ATTRIBUTES: setting(pairs, {
    group: TRACING,
    description: 'more resource attributes, `key=value,...` (e.g. `deployment.environment=prod`)',
  }),
  VOXSTATE_TRACE_TEXT: setting(bool, {
    group: TRACING,
    default: false,
    description:
      "put the caller's transcript and the bot's words into spans; needs `VOXSTATE_LOG_TRANSCRIPTS=true` too (personal data leaves the process)",
  }),
};
