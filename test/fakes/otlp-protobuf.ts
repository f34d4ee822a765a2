/**
 * A small decoder of OTLP trace requests in protobuf (`ExportTraceServiceRequest` of
 * opentelemetry-proto, collector/trace/v1), enough for the test receivers: resources, spans
 * with their ids, parent, name, kind, times, attributes (string, bool, int, double), events and
 * status. Written from the protobuf wire format (varints, 64/32-bit fixed, length-delimited)
 * and the field numbers of the .proto files; unknown fields are skipped, as protobuf readers do.
 */

/** One field read off the wire. */
type Field =
  | { no: number; wire: 0; value: bigint }
  | { no: number; wire: 1; value: Buffer }
  | { no: number; wire: 2; value: Buffer }
  | { no: number; wire: 5; value: Buffer };

function readVarint(buf: Buffer, at: { i: number }): bigint {
  let out = 0n;
  let shift = 0n;
  for (;;) {
    if (at.i >= buf.length) throw new Error('protobuf: varint runs past the end');
    const byte = buf[at.i++] as number;
    out |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return out;
    shift += 7n;
    if (shift > 63n) throw new Error('protobuf: varint too long');
  }
}

/** The fields of one message, in wire order. */
export function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  const at = { i: 0 };
  while (at.i < buf.length) {
    const key = Number(readVarint(buf, at));
    const no = key >>> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ no, wire, value: readVarint(buf, at) });
    else if (wire === 1 || wire === 5) {
      const len = wire === 1 ? 8 : 4;
      if (at.i + len > buf.length) throw new Error('protobuf: fixed field runs past the end');
      out.push({ no, wire, value: buf.subarray(at.i, at.i + len) });
      at.i += len;
    } else if (wire === 2) {
      const len = Number(readVarint(buf, at));
      if (at.i + len > buf.length) throw new Error('protobuf: length runs past the end');
      out.push({ no, wire, value: buf.subarray(at.i, at.i + len) });
      at.i += len;
    } else {
      throw new Error(`protobuf: wire type ${wire} not supported`);
    }
  }
  return out;
}

const bytesOf = (list: Field[], no: number) =>
  list
    .filter((f): f is Extract<Field, { wire: 2 }> => f.no === no && f.wire === 2)
    .map((f) => f.value);
const one = (list: Field[], no: number) => bytesOf(list, no)[0];
const text = (list: Field[], no: number) => one(list, no)?.toString('utf8') ?? '';
const varint = (list: Field[], no: number) => {
  const f = list.find((x) => x.no === no && x.wire === 0);
  return f && f.wire === 0 ? f.value : undefined;
};
const fixed64 = (list: Field[], no: number) => {
  const f = list.find((x) => x.no === no && x.wire === 1);
  return f && f.wire === 1 ? f.value.readBigUInt64LE(0) : undefined;
};

/** AnyValue: 1 string, 2 bool, 3 int64, 4 double (arrays, maps and bytes are not needed here). */
function anyValue(buf: Buffer): string | number | boolean {
  const list = fields(buf);
  const first = list[0];
  if (!first) return '';
  if (first.no === 1 && first.wire === 2) return first.value.toString('utf8');
  if (first.no === 2 && first.wire === 0) return first.value !== 0n;
  if (first.no === 3 && first.wire === 0) return Number(BigInt.asIntN(64, first.value));
  if (first.no === 4 && first.wire === 1) return first.value.readDoubleLE(0);
  return '';
}

/** KeyValue list: 1 key, 2 value. */
function attributes(list: Buffer[]): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const kv of list) {
    const f = fields(kv);
    const value = one(f, 2);
    out[text(f, 1)] = value ? anyValue(value) : '';
  }
  return out;
}

/** One decoded span. */
export interface DecodedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** SpanKind number (1 internal, 2 server, 3 client...). */
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: Record<string, string | number | boolean>;
  events: string[];
  /** Status code (0 unset, 1 ok, 2 error). */
  status: number;
  resource: Record<string, string | number | boolean>;
}

/**
 * Decodes an `ExportTraceServiceRequest`: resource_spans (1) -> resource (1) with attributes
 * (1), scope_spans (2) -> spans (2): trace_id 1, span_id 2, parent_span_id 4, name 5, kind 6,
 * start 7 and end 8 (fixed64 ns), attributes 9, events 11 (name 2), status 15 (code 3).
 */
export function decodeTraceRequest(body: Buffer): DecodedSpan[] {
  const out: DecodedSpan[] = [];
  for (const rs of bytesOf(fields(body), 1)) {
    const rsFields = fields(rs);
    const resourceBytes = one(rsFields, 1);
    const resource = resourceBytes ? attributes(bytesOf(fields(resourceBytes), 1)) : {};
    for (const ss of bytesOf(rsFields, 2)) {
      for (const span of bytesOf(fields(ss), 2)) {
        const f = fields(span);
        const parent = one(f, 4);
        const status = one(f, 15);
        out.push({
          traceId: one(f, 1)?.toString('hex') ?? '',
          spanId: one(f, 2)?.toString('hex') ?? '',
          ...(parent && parent.length > 0 ? { parentSpanId: parent.toString('hex') } : {}),
          name: text(f, 5),
          kind: Number(varint(f, 6) ?? 0n),
          startNs: fixed64(f, 7) ?? 0n,
          endNs: fixed64(f, 8) ?? 0n,
          attributes: attributes(bytesOf(f, 9)),
          events: bytesOf(f, 11).map((e) => text(fields(e), 2)),
          status: status ? Number(varint(fields(status), 3) ?? 0n) : 0,
          resource,
        });
      }
    }
  }
  return out;
}
