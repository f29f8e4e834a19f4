// Address arithmetic shared by the server (service ranges) and the network adapters.
export { addressAt, contains, formatIpv4, parseIpv4, parseIpv4Cidr, usableIn } from './ipv4.js';
export type { Ipv4Range } from './ipv4.js';
export { ip, ipBatch, linkExists, IpError } from './ip.js';
export { encodeFrame, FrameReader, OP as WS_OPCODES, WS_GUID, websocketAccept } from './websocketFrames.js';
export { ensureForwardAccept, ForwardRulesError, haveIptables, removeForwardAccept } from './forward.js';
export type { ForwardAcceptRules } from './forward.js';
export { LineHelper } from './LineHelper.js';
