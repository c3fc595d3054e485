/**
 * Reads packets out of a classic libpcap capture file (the `.pcap` that tcpdump -w writes), so a launch
 * configuration can feed a captured packet to a program. Both byte orders and the nanosecond variant
 * are accepted; pcapng is recognised only to say that it is not supported. Never throws.
 */

const MAGIC_US = 0xa1b2c3d4;
const MAGIC_NS = 0xa1b23c4d;

/** Whether the bytes start like a pcap or pcapng file. */
export function looksLikePcap(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = dv.getUint32(0, true), be = dv.getUint32(0, false);
  return le === MAGIC_US || le === MAGIC_NS || be === MAGIC_US || be === MAGIC_NS || le === 0x0a0d0d0a;
}

/** All packets of the capture, or an error message. */
export function readPcap(bytes: Uint8Array): Uint8Array[] | string {
  if (bytes.length < 24) return 'the capture is shorter than a pcap file header (24 bytes)';
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(0, true) === 0x0a0d0d0a) return 'pcapng captures are not supported; convert with `editcap -F pcap in.pcapng out.pcap`';
  let le: boolean;
  const m = dv.getUint32(0, true);
  if (m === MAGIC_US || m === MAGIC_NS) le = true;
  else if (dv.getUint32(0, false) === MAGIC_US || dv.getUint32(0, false) === MAGIC_NS) le = false;
  else return 'not a pcap capture (bad magic number)';
  const linkType = dv.getUint32(20, le) & 0xffff;
  if (linkType !== 1) return `the capture's link type is ${linkType}; only Ethernet (1) captures can be fed to a program`;
  const out: Uint8Array[] = [];
  let at = 24;
  while (at + 16 <= bytes.length) {
    const incl = dv.getUint32(at + 8, le);
    if (at + 16 + incl > bytes.length) return `packet ${out.length} is truncated (the record needs ${incl} bytes)`;
    out.push(bytes.slice(at + 16, at + 16 + incl));
    at += 16 + incl;
  }
  return out;
}
