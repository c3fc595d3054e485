/**
 * The capture reader behind `dataFile`: both byte orders, and clear messages for what it refuses.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import { readPcap, looksLikePcap } from '../../debugger/src/pcap';
import { retvalMeaning } from '../../debugger/src/retval';
import { fixture } from './harness';

function header(le: boolean, link = 1): Buffer {
  const b = Buffer.alloc(24);
  const w = (v: number, at: number): void => { if (le) b.writeUInt32LE(v, at); else b.writeUInt32BE(v, at); };
  w(0xa1b2c3d4, 0); w(65535, 16); w(link, 20);
  if (le) { b.writeUInt16LE(2, 4); b.writeUInt16LE(4, 6); } else { b.writeUInt16BE(2, 4); b.writeUInt16BE(4, 6); }
  return b;
}

function record(le: boolean, data: Buffer): Buffer {
  const b = Buffer.alloc(16);
  if (le) { b.writeUInt32LE(data.length, 8); b.writeUInt32LE(data.length, 12); } else { b.writeUInt32BE(data.length, 8); b.writeUInt32BE(data.length, 12); }
  return Buffer.concat([b, data]);
}

describe('pcap reader', () => {
  it('reads the fixture capture', () => {
    const pkts = readPcap(new Uint8Array(fs.readFileSync(fixture('two.pcap'))));
    assert.ok(Array.isArray(pkts));
    assert.deepStrictEqual(pkts.map((p) => p.length), [34, 54]);
  });

  it('reads big-endian captures', () => {
    const bytes = new Uint8Array(Buffer.concat([header(false), record(false, Buffer.from([1, 2, 3]))]));
    assert.ok(looksLikePcap(bytes));
    assert.deepStrictEqual(readPcap(bytes), [Uint8Array.of(1, 2, 3)]);
  });

  it('refuses what it cannot use, with a reason', () => {
    const cases: [Uint8Array, RegExp][] = [
      [new Uint8Array(10), /shorter than a pcap file header/],
      [new Uint8Array(Buffer.concat([Buffer.from([0x0a, 0x0d, 0x0d, 0x0a]), Buffer.alloc(40)])), /pcapng/],
      [new Uint8Array(Buffer.concat([header(true, 101), record(true, Buffer.alloc(4))])), /link type is 101/],
      [new Uint8Array(Buffer.concat([header(true), record(true, Buffer.alloc(8)).subarray(0, 20)])), /truncated/],
      [new Uint8Array(Buffer.alloc(40, 7)), /bad magic/],
    ];
    for (const [bytes, want] of cases) {
      const r = readPcap(bytes);
      assert.strictEqual(typeof r, 'string');
      assert.match(r as string, want);
    }
  });

  it('names return values by program type', () => {
    assert.strictEqual(retvalMeaning('xdp', 1n), 'XDP_DROP');
    assert.strictEqual(retvalMeaning('sched_cls', 0xffffffffffffffffn), 'TC_ACT_UNSPEC');
    assert.strictEqual(retvalMeaning('socket_filter', 0n), 'drop the packet');
    assert.strictEqual(retvalMeaning('cgroup_skb', 1n), 'allow');
    assert.strictEqual(retvalMeaning('kprobe', 5n), undefined);
  });
});
