import test from 'ava';
import { encodeFrame, FrameReader, websocketAccept } from '../../src/net/websocketFrames.js';

test('the handshake answer is the one RFC 6455 gives for its sample key', (t) => {
  // Section 1.3 of the RFC: standard clients check exactly this value.
  t.is(websocketAccept('dGhlIHNhbXBsZSBub25jZQ=='), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
});

test('a masked, fragmented message reads back whole, across chunk boundaries', (t) => {
  const first = encodeFrame(Buffer.from('hello, '), 0x2, true);
  first[0] = first[0]! & 0x7f; // not the final fragment
  const rest = encodeFrame(Buffer.from('world'), 0x0, true);
  const bytes = Buffer.concat([first, rest]);
  const reader = new FrameReader();
  const events = [...reader.push(bytes.subarray(0, 5)), ...reader.push(bytes.subarray(5))];
  t.deepEqual(events, [{ kind: 'message', data: Buffer.from('hello, world') }]);
});
