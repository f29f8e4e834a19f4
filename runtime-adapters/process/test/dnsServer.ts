// A DNS server of the test's own on a loopback address: answers A queries for the names it is
// given and NXDOMAIN for every other name, and remembers what it was asked.
import { createSocket, type Socket } from 'node:dgram';

export interface TestDnsServer {
  readonly address: string;
  readonly asked: string[];
  close(): Promise<void>;
}

function readName(msg: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let at = offset;
  while (msg[at]! > 0) {
    const len = msg[at]!;
    labels.push(msg.subarray(at + 1, at + 1 + len).toString('ascii'));
    at += 1 + len;
  }
  return { name: labels.join('.').toLowerCase(), end: at + 1 };
}

function answer(query: Buffer, records: ReadonlyMap<string, string>, asked: string[]): Buffer {
  const { name, end } = readName(query, 12);
  const qtype = query.readUInt16BE(end);
  asked.push(`${name} ${qtype}`);
  const question = query.subarray(12, end + 4);
  const ip = records.get(name);
  const found = ip !== undefined && qtype === 1;
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2);
  // QR, RD copied, RA; NXDOMAIN for an unknown name, an empty answer for other types of a known one.
  header.writeUInt16BE(0x8180 | (query.readUInt16BE(2) & 0x0100) | (ip === undefined ? 3 : 0), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(found ? 1 : 0, 6);
  if (!found) return Buffer.concat([header, question]);
  const rr = Buffer.alloc(16);
  rr.writeUInt16BE(0xc00c, 0);
  rr.writeUInt16BE(1, 2);
  rr.writeUInt16BE(1, 4);
  rr.writeUInt32BE(5, 6);
  rr.writeUInt16BE(4, 10);
  ip.split('.').forEach((octet, i) => rr.writeUInt8(Number(octet), 12 + i));
  return Buffer.concat([header, question, rr]);
}

/** Listens on port 53 of a random 127.x.y.z (resolv.conf has no port). */
export async function startTestDnsServer(records: Record<string, string>): Promise<TestDnsServer> {
  const address = `127.${2 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`;
  const socket: Socket = createSocket('udp4');
  const asked: string[] = [];
  const table = new Map(Object.entries(records).map(([k, v]) => [k.toLowerCase(), v]));
  socket.on('message', (msg, from) => {
    try {
      socket.send(answer(msg, table, asked), from.port, from.address);
    } catch {
      // A malformed query gets no answer.
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(53, address, () => resolve());
  });
  return { address, asked, close: () => new Promise((resolve) => socket.close(() => resolve())) };
}
