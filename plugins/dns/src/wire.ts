// The DNS wire format (RFC 1035) for what a cluster DNS server needs: parse a query's header and
// question, write answers of type A, AAAA, CNAME, SRV and PTR, and the SOA of negative answers.

export const TYPE = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, AAAA: 28, SRV: 33, ANY: 255 } as const;
export const CLASS_IN = 1;
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

export interface Question {
  /** Lower case, without the trailing dot. */
  readonly name: string;
  readonly type: number;
  readonly class: number;
}

export interface Query {
  readonly id: number;
  readonly flags: number;
  readonly question: Question;
  /** The question section's bytes, echoed in the answer. */
  readonly questionBytes: Buffer;
}

export type RecordData =
  | { readonly type: typeof TYPE.A; readonly address: string }
  | { readonly type: typeof TYPE.AAAA; readonly address: string }
  | { readonly type: typeof TYPE.CNAME; readonly target: string }
  | { readonly type: typeof TYPE.PTR; readonly target: string }
  | { readonly type: typeof TYPE.SRV; readonly priority: number; readonly weight: number; readonly port: number; readonly target: string }
  | { readonly type: typeof TYPE.SOA; readonly mname: string; readonly rname: string; readonly serial: number; readonly minimum: number };

export interface ResourceRecord {
  readonly name: string;
  readonly ttl: number;
  readonly data: RecordData;
}

export class WireError extends Error {}

function readName(buf: Buffer, start: number): { name: string; end: number } {
  const labels: string[] = [];
  let offset = start;
  let end = -1;
  for (let jumps = 0; jumps < 32; ) {
    if (offset >= buf.length) throw new WireError('name runs past the message');
    const len = buf[offset]!;
    if (len === 0) {
      if (end < 0) end = offset + 1;
      return { name: labels.join('.').toLowerCase(), end };
    }
    if ((len & 0xc0) === 0xc0) {
      if (offset + 1 >= buf.length) throw new WireError('truncated compression pointer');
      if (end < 0) end = offset + 2;
      offset = ((len & 0x3f) << 8) | buf[offset + 1]!;
      jumps++;
      continue;
    }
    if (len > 63) throw new WireError('label longer than 63 bytes');
    labels.push(buf.toString('latin1', offset + 1, offset + 1 + len));
    offset += 1 + len;
  }
  throw new WireError('too many compression pointers');
}

/** The query's header and first question; throws WireError on a malformed message. */
export function parseQuery(buf: Buffer): Query {
  if (buf.length < 12) throw new WireError('shorter than a DNS header');
  const id = buf.readUInt16BE(0);
  const flags = buf.readUInt16BE(2);
  const qdcount = buf.readUInt16BE(4);
  if (qdcount < 1) throw new WireError('no question');
  const { name, end } = readName(buf, 12);
  if (end + 4 > buf.length) throw new WireError('truncated question');
  return { id, flags, question: { name, type: buf.readUInt16BE(end), class: buf.readUInt16BE(end + 2) }, questionBytes: buf.subarray(12, end + 4) };
}

function writeName(name: string): Buffer {
  const parts = name.split('.').filter(Boolean);
  const bytes: number[] = [];
  for (const p of parts) {
    const label = Buffer.from(p, 'latin1');
    if (label.length > 63) throw new WireError(`label "${p}" is longer than 63 bytes`);
    bytes.push(label.length, ...label);
  }
  bytes.push(0);
  return Buffer.from(bytes);
}

function rdata(data: RecordData): Buffer {
  switch (data.type) {
    case TYPE.A:
      return Buffer.from(data.address.split('.').map(Number));
    case TYPE.AAAA: {
      const out = Buffer.alloc(16);
      const [head, tail] = data.address.split('::');
      const h = head ? head.split(':') : [];
      const t = tail !== undefined && tail ? tail.split(':') : [];
      const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
      groups.forEach((g, i) => out.writeUInt16BE(parseInt(g || '0', 16), i * 2));
      return out;
    }
    case TYPE.CNAME:
    case TYPE.PTR:
      return writeName(data.target);
    case TYPE.SRV: {
      const head = Buffer.alloc(6);
      head.writeUInt16BE(data.priority, 0);
      head.writeUInt16BE(data.weight, 2);
      head.writeUInt16BE(data.port, 4);
      return Buffer.concat([head, writeName(data.target)]);
    }
    case TYPE.SOA: {
      const tail = Buffer.alloc(20);
      tail.writeUInt32BE(data.serial >>> 0, 0);
      tail.writeUInt32BE(7200, 4);
      tail.writeUInt32BE(1800, 8);
      tail.writeUInt32BE(86400, 12);
      tail.writeUInt32BE(data.minimum, 16);
      return Buffer.concat([writeName(data.mname), writeName(data.rname), tail]);
    }
  }
}

function record(rr: ResourceRecord): Buffer {
  const body = rdata(rr.data);
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(rr.data.type, 0);
  fixed.writeUInt16BE(CLASS_IN, 2);
  fixed.writeUInt32BE(rr.ttl, 4);
  fixed.writeUInt16BE(body.length, 8);
  return Buffer.concat([writeName(rr.name), fixed, body]);
}

export interface Answer {
  readonly rcode: number;
  readonly answers: readonly ResourceRecord[];
  readonly authority?: readonly ResourceRecord[];
  readonly additional?: readonly ResourceRecord[];
  /** Authoritative (names in the cluster domain). */
  readonly aa: boolean;
}

/**
 * The response to `query`. Over UDP a response bigger than `maxUdp` bytes is cut to its header
 * and question with TC set, so the client asks again over TCP.
 */
export function writeResponse(query: Query, answer: Answer, maxUdp = Infinity): Buffer {
  const header = Buffer.alloc(12);
  const rd = query.flags & 0x0100;
  const flags = 0x8000 | (query.flags & 0x7800) | (answer.aa ? 0x0400 : 0) | rd | 0x0080 | (answer.rcode & 0xf);
  const sections = [answer.answers, answer.authority ?? [], answer.additional ?? []];
  const encoded = sections.map((s) => s.map(record));
  header.writeUInt16BE(query.id, 0);
  header.writeUInt16BE(flags, 2);
  header.writeUInt16BE(1, 4);
  encoded.forEach((s, i) => header.writeUInt16BE(s.length, 6 + i * 2));
  const full = Buffer.concat([header, query.questionBytes, ...encoded.flat()]);
  if (full.length <= maxUdp) return full;
  const cut = Buffer.from(header);
  cut.writeUInt16BE(flags | 0x0200, 2);
  cut.writeUInt16BE(0, 6);
  cut.writeUInt16BE(0, 8);
  cut.writeUInt16BE(0, 10);
  return Buffer.concat([cut, query.questionBytes]);
}

/** A query for `name`/`type` (for clients and tests). */
export function writeQuery(id: number, name: string, type: number): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2);
  header.writeUInt16BE(1, 4);
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(type, 0);
  tail.writeUInt16BE(CLASS_IN, 2);
  return Buffer.concat([header, writeName(name), tail]);
}

/** The answers of a response, decoded enough for tests and the forwarder. */
export function parseResponse(buf: Buffer): { id: number; rcode: number; truncated: boolean; answers: { name: string; type: number; data: string }[] } {
  const id = buf.readUInt16BE(0);
  const flags = buf.readUInt16BE(2);
  const qd = buf.readUInt16BE(4);
  const an = buf.readUInt16BE(6);
  let offset = 12;
  for (let i = 0; i < qd; i++) offset = readName(buf, offset).end + 4;
  const answers: { name: string; type: number; data: string }[] = [];
  for (let i = 0; i < an; i++) {
    const { name, end } = readName(buf, offset);
    const type = buf.readUInt16BE(end);
    const len = buf.readUInt16BE(end + 8);
    const start = end + 10;
    let data: string;
    if (type === TYPE.A) data = [...buf.subarray(start, start + 4)].join('.');
    else if (type === TYPE.CNAME || type === TYPE.PTR) data = readName(buf, start).name;
    else if (type === TYPE.SRV) data = `${buf.readUInt16BE(start)} ${buf.readUInt16BE(start + 2)} ${buf.readUInt16BE(start + 4)} ${readName(buf, start + 6).name}`;
    else data = buf.subarray(start, start + len).toString('hex');
    answers.push({ name, type, data });
    offset = start + len;
  }
  return { id, rcode: flags & 0xf, truncated: (flags & 0x0200) !== 0, answers };
}
