/**
 * Tests of the BTF encoder (core/src/elf/btfWriter.ts): every kind it writes reads back through our
 * reader with the same fields, a builder on top of an existing section keeps the old ids and strings,
 * and, as root, the kernel's BPF_BTF_LOAD (through the ctypes oracle's `load_btf`) accepts what it
 * writes and refuses a blob whose FUNC points at an INT, so the check is not vacuous.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { BTF_KIND, readBtf } from '../../core/src/elf/btf';
import { BTF_INT, BTF_LINKAGE, BtfBuilder } from '../../core/src/elf/btfWriter';
import { kernelUnavailable } from '../kernel/kernel';

const ORACLE_DIR = path.join(__dirname, '..', '..', '..', 'test', 'kernel');

/** BPF_BTF_LOAD of `bytes`: '' when the kernel accepts them, else its error and log. */
function kernelLoad(bytes: Uint8Array): string {
  const script = `import sys, os\nsys.path.insert(0, ${JSON.stringify(ORACLE_DIR)})\nfrom bpf_syscall import load_btf\n`
    + 'try:\n    os.close(load_btf(bytes.fromhex(sys.stdin.read().strip())))\nexcept OSError as e:\n    print(e)\n';
  const r = spawnSync('python3', ['-c', script], { input: Buffer.from(bytes).toString('hex'), encoding: 'utf8' });
  assert.strictEqual(r.status, 0, r.stderr);
  return r.stdout.trim();
}

/** One type of every kind the writer has, shaped like clang's output for a small XDP object. */
function sample(): BtfBuilder {
  const b = new BtfBuilder();
  const int = b.int('int', 4, BTF_INT.SIGNED);                                     // [1]
  const u32 = b.typedef('__u32', b.int('unsigned int', 4));                        // [2] [3]
  const u8 = b.int('unsigned char', 1, BTF_INT.CHAR);                              // [4]
  const arr = b.array(u8, int, 6);                                                  // [5]
  const eth = b.struct('ethhdr', 14, [
    { name: 'h_dest', type: arr, bitOffset: 0 }, { name: 'h_source', type: arr, bitOffset: 48 },
    { name: 'h_proto', type: b.int('short unsigned int', 2), bitOffset: 96 },    // [6]
  ]);                                                                               // [7]
  b.union('both', 4, [{ name: 'a', type: u32, bitOffset: 0 }, { name: 'b', type: int, bitOffset: 0 }]); // [8]
  const md = b.fwd('xdp_md');                                                       // [9]
  const proto = b.funcProto(int, [{ name: 'ctx', type: b.ptr(md) }]);               // [10] [11]
  b.func('prog', proto, BTF_LINKAGE.GLOBAL);                                        // [12]
  const v = b.variable('hdr', b.const(eth), BTF_LINKAGE.GLOBAL);                    // [13] [14]
  b.datasec('.data', 16, [{ type: v, offset: 0, size: 14 }]);                       // [15]
  return b;
}

describe('BTF writer', () => {
  it('writes every kind so that the reader gets the same fields back', () => {
    const r = readBtf(sample().bytes());
    assert.deepStrictEqual(r.diagnostics, []);
    const btf = r.btf!;
    const kinds = btf.types.slice(1).map((t) => [t.id, t.kind, t.name]);
    assert.deepStrictEqual(kinds, [
      [1, BTF_KIND.INT, 'int'], [2, BTF_KIND.INT, 'unsigned int'], [3, BTF_KIND.TYPEDEF, '__u32'], [4, BTF_KIND.INT, 'unsigned char'],
      [5, BTF_KIND.ARRAY, ''], [6, BTF_KIND.INT, 'short unsigned int'], [7, BTF_KIND.STRUCT, 'ethhdr'], [8, BTF_KIND.UNION, 'both'],
      [9, BTF_KIND.FWD, 'xdp_md'], [10, BTF_KIND.PTR, ''], [11, BTF_KIND.FUNC_PROTO, ''], [12, BTF_KIND.FUNC, 'prog'],
      [13, BTF_KIND.CONST, ''], [14, BTF_KIND.VAR, 'hdr'], [15, BTF_KIND.DATASEC, '.data'],
    ]);
    assert.strictEqual(btf.type(1)!.extra, (1 << 24) | 32);
    assert.strictEqual(btf.type(4)!.extra, (2 << 24) | 8);
    assert.deepStrictEqual(btf.type(5)!.array, { type: 4, indexType: 1, nelems: 6 });
    assert.deepStrictEqual(btf.type(7)!.members, [
      { name: 'h_dest', type: 5, offset: 0 }, { name: 'h_source', type: 5, offset: 48 }, { name: 'h_proto', type: 6, offset: 96 },
    ]);
    assert.deepStrictEqual(btf.type(11)!.members, [{ name: 'ctx', type: 10, offset: 0 }]);
    assert.strictEqual(btf.type(12)!.extra, BTF_LINKAGE.GLOBAL);
    assert.strictEqual(btf.type(14)!.extra, BTF_LINKAGE.GLOBAL);
    assert.deepStrictEqual(btf.type(15)!.members, [{ name: '', type: 14, offset: 0, size: 14 }]);
    assert.deepStrictEqual(btf.resolveSize(14), { ok: true, size: 14 });
  });

  it('keeps strings once and encodes them as UTF-8', () => {
    const b = new BtfBuilder();
    assert.strictEqual(b.str('a'), 1);
    assert.strictEqual(b.str('ü'), 3);
    assert.strictEqual(b.str('a'), 1);
    b.int('ü', 1);
    assert.strictEqual(readBtf(b.bytes()).btf!.type(1)!.name, 'ü');
  });

  it('appends to an existing section without moving its ids or strings', () => {
    const base = sample().bytes();
    const old = readBtf(base).btf!;
    const b = new BtfBuilder({ bytes: base, count: old.count });
    assert.strictEqual(b.nextId, 16);
    const id = b.func('added', 11, BTF_LINKAGE.STATIC);
    const r = readBtf(b.bytes());
    assert.deepStrictEqual(r.diagnostics, []);
    assert.strictEqual(id, 16);
    assert.deepStrictEqual(r.btf!.types.slice(1, 16).map((t) => [t.name, t.kind, t.sizeOrType]), old.types.slice(1).map((t) => [t.name, t.kind, t.sizeOrType]));
    assert.deepStrictEqual([r.btf!.type(16)!.name, r.btf!.type(16)!.extra], ['added', BTF_LINKAGE.STATIC]);
  });

  describe('the kernel (BPF_BTF_LOAD)', function () {
    this.timeout(20000);
    before(function () {
      const why = kernelUnavailable();
      if (why) { (this.test!.parent as any).skipReason = why; this.skip(); }
    });

    it('accepts every kind the writer produces', () => {
      assert.strictEqual(kernelLoad(sample().bytes()), '');
    });

    it('refuses a FUNC whose prototype is an INT', () => {
      const b = new BtfBuilder();
      b.func('f', b.int('int', 4, BTF_INT.SIGNED));
      assert.match(kernelLoad(b.bytes()), /BTF load failed: .*\n[^]*\[2\] FUNC f type_id=1 Invalid type_id/);
    });
  });
});
