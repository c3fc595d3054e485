/**
 * C source lines from clang's BTF line_info (`.BTF.ext`): the reader (core/src/elf/btfExt.ts), their
 * place in the program model (`Program.lineInfo`, filled by the program builder, with subprograms
 * appended from `.text`), the `; text @ file:line` lines of the verifier log and the source line
 * `ebpf verify` gives with an error on an object. The oracles are the C files themselves (each
 * record's text must be the line it names) and, as root with bpftool, the kernel's own verifier log,
 * whose `;` lines ours must equal. Garbled sections give diagnostics, never exceptions.
 */
import * as assert from 'assert';
import { readFileSync, rmSync } from 'fs';
import { basename, join } from 'path';
import { runCli } from '../../core/src/cli/main';
import { kernelCheckUnavailable } from '../../core/src/cli/kernelCheck';
import { readElf } from '../../core/src/elf/reader';
import { readBtf } from '../../core/src/elf/btf';
import { readBtfExt } from '../../core/src/elf/btfExt';
import type { ObjectFile } from '../../core/src/elf/types';
import { buildModule } from '../../core/src/program/build';
import type { Module } from '../../core/src/program/model';
import { verifyProgram } from '../../core/src/verifier/index';
import { hasTool, run } from '../helpers/tools';
import { bpftoolLoad, CLANG, FIXTURES, tempDir } from './clangTools';

/** Fixtures whose walk the kernel and we take in the same order, so their logs print the same lines. */
const SAME_WALK = ['xdp_rodata_config', 'bad_no_bounds', 'bad_map_index', 'xdp_for_each', 'xdp_static_subprog', 'xdp_global_ctx', 'xdp_bounded_loop'];

function compile(dir: string, name: string, opt = '-O2'): string {
  const out = join(dir, `${name}${opt}.o`);
  const r = run(CLANG, [opt, '-g', '-target', 'bpf', '-mcpu=v4', `-I${FIXTURES}`, '-c', join(FIXTURES, `${name}.c`), '-o', out]);
  if (r.status !== 0) throw new Error(`${CLANG} ${name}.c failed: ${r.stderr}`);
  return out;
}

function objectOf(file: string): ObjectFile {
  const r = readElf(new Uint8Array(readFileSync(file)));
  assert.ok(r.object, r.diagnostics.map((d) => d.message).join('; '));
  return r.object;
}

function build(obj: ObjectFile): Module {
  const built = buildModule(obj, { fileName: 'x.o' });
  assert.deepStrictEqual(built.diagnostics.filter((d) => d.severity === 'error'), []);
  return built.module;
}

/** The `;` source lines of a verifier log. */
function sourceLines(log: string): string[] {
  return log.split('\n').filter((l) => l.startsWith('; '));
}

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runCli(args, { out: (t) => { out += t; }, err: (t) => { out += t; }, readStdin: async () => '' });
  return { code, out };
}

describe('BTF line_info of clang objects', function () {
  this.timeout(300_000);
  let dir: string;

  before(function () {
    if (!hasTool(CLANG)) {
      (this.test!.parent as any).skipReason = `${CLANG} is not installed (apt-get install clang-22)`;
      this.skip();
    }
    dir = tempDir();
  });
  after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it('gives every slot-ordered record the C line it names, starting at the entry', () => {
    for (const name of ['xdp_rodata_config', 'bad_no_bounds']) {
      const source = readFileSync(join(FIXTURES, `${name}.c`), 'utf8').split('\n');
      const p = build(objectOf(compile(dir, name))).programs[0]!;
      const lines = p.lineInfo ?? [];
      assert.ok(lines.length >= 2, `${name}: ${lines.length} records`);
      assert.strictEqual(lines[0]!.slot, 0);
      for (let i = 0; i < lines.length; i++) {
        const r = lines[i]!;
        assert.ok(i === 0 || r.slot >= lines[i - 1]!.slot, `${name}: records out of order at ${i}`);
        assert.ok(r.slot < p.insns.length);
        assert.strictEqual(basename(r.file), `${name}.c`);
        assert.strictEqual(r.text, source[r.line - 1], `${name}: line ${r.line}`);
        assert.ok(r.column >= 0 && r.column <= r.text.length + 1, `${name}: column ${r.column} on line ${r.line}`);
      }
    }
    const config = build(objectOf(compile(dir, 'xdp_rodata_config'))).programs[0]!.lineInfo!;
    assert.deepStrictEqual([config[0]!.line, config[0]!.text], [13, 'int xdp_rodata_config(struct xdp_md *ctx)']);
  });

  it('moves the records of a callback appended from .text to its slots in the program', () => {
    const source = readFileSync(join(FIXTURES, 'xdp_bpf_loop.c'), 'utf8').split('\n');
    const p = build(objectOf(compile(dir, 'xdp_bpf_loop'))).programs[0]!;
    assert.ok(p.funcs.length >= 2, 'the callback is appended');
    const cb = p.funcs[1]!;
    assert.strictEqual(cb.section, '.text');
    const inCb = (p.lineInfo ?? []).filter((r) => r.slot >= cb.start && r.slot < cb.end);
    assert.ok(inCb.length > 0, 'the callback has line records');
    assert.strictEqual(inCb[0]!.slot, cb.start, 'the callback\'s first record is at its first slot');
    // Every record names a line of the callback's body: after its definition, before the program's.
    const def = source.findIndex((l) => l.includes(`${cb.name}(`)) + 1;
    const entry = source.findIndex((l) => l.includes(`${p.name}(`)) + 1;
    for (const r of inCb) {
      assert.strictEqual(r.text, source[r.line - 1]);
      assert.ok(r.line >= def && r.line < entry, `line ${r.line} is not in ${cb.name} (lines ${def} to ${entry - 1})`);
    }
  });

  describe('a garbled .BTF.ext', () => {
    let obj: ObjectFile;
    let ext: Uint8Array;
    let btf: ReturnType<typeof readBtf>['btf'];
    /** Where line_info starts inside the section. */
    let lineAt: number;

    before(function () {
      obj = objectOf(compile(dir, 'xdp_rodata_config'));
      ext = obj.sections.find((s) => s.name === '.BTF.ext')!.data;
      btf = readBtf(obj.sections.find((s) => s.name === '.BTF')!.data).btf;
      const v = new DataView(ext.buffer, ext.byteOffset, ext.byteLength);
      lineAt = v.getUint32(4, true) + v.getUint32(16, true);
    });

    /** A copy of the section with the 32-bit word at `at` set to `value`. */
    const patched = (at: number, value: number): Uint8Array => {
      const b = ext.slice();
      new DataView(b.buffer).setUint32(at, value >>> 0, true);
      return b;
    };

    it('reads the untouched section without diagnostics', () => {
      const r = readBtfExt(ext, btf);
      assert.deepStrictEqual(r.diagnostics, []);
      assert.strictEqual(r.lineInfo?.[0]?.section, 'xdp');
      assert.strictEqual(r.funcInfo?.[0]?.section, 'xdp');
    });

    const cases: { name: string; edit: () => Uint8Array; want: string[]; records?: number }[] = [
      { name: 'line_info past the end', edit: () => patched(20, 0x100000), want: ['ELF632'] },
      { name: 'a small line_info record size', edit: () => patched(lineAt, 8), want: ['ELF633'], records: 0 },
      { name: 'a truncated line_info section header', edit: () => patched(20, 6), want: ['ELF634'], records: 0 },
      { name: 'a section name outside the strings', edit: () => patched(lineAt + 4, 0xfffffff), want: ['ELF635'], records: 0 },
      { name: 'more records than bytes', edit: () => patched(lineAt + 8, 0xffffffff), want: ['ELF636'], records: 0 },
      { name: 'a source line outside the strings', edit: () => patched(lineAt + 12 + 8, 0xfffffff), want: ['ELF637'], records: -1 },
    ];
    for (const c of cases) {
      it(`reports ${c.name} and keeps func_info`, () => {
        const whole = readBtfExt(ext, btf).lineInfo!.reduce((n, s) => n + s.records.length, 0);
        const r = readBtfExt(c.edit(), btf);
        assert.deepStrictEqual(r.diagnostics.map((d) => d.code), c.want);
        assert.strictEqual(r.funcInfo?.[0]?.section, 'xdp');
        const kept = r.lineInfo?.reduce((n, s) => n + s.records.length, 0);
        if (c.records === undefined) assert.strictEqual(r.lineInfo, undefined);
        else assert.strictEqual(kept, c.records < 0 ? whole + c.records : c.records);
      });
    }

    it('never throws on a truncated or flipped section, and the program still builds', () => {
      const codes = new Set<string>();
      const variants: Uint8Array[] = [];
      for (let n = 0; n <= ext.length; n += 3) variants.push(ext.slice(0, n));
      for (let i = 0; i < ext.length; i += 5) { const b = ext.slice(); b[i] = b[i]! ^ 0xa5; variants.push(b); }
      for (const data of variants) {
        const r = readBtfExt(data, btf);
        for (const d of r.diagnostics) { assert.match(d.code ?? '', /^ELF6[23]\d$/); codes.add(d.code!); }
        const built = buildModule({ ...obj, sections: obj.sections.map((s) => (s.name === '.BTF.ext' ? { ...s, data } : s)) }, { fileName: 'x.o' });
        assert.strictEqual(built.module.programs.length, 1);
        assert.ok(built.diagnostics.every((d) => d.severity !== 'error' || !/^ELF6[23]/.test(d.code ?? '')));
      }
      assert.ok(codes.size >= 3, `diagnostics seen: ${[...codes].join(', ')}`);
    });
  });

  it('names the C line of a rejected instruction in ebpf verify text and JSON, keeping line and column', async () => {
    const file = compile(dir, 'bad_no_bounds');
    const text = await cli(['verify', file]);
    assert.strictEqual(text.code, 1, text.out);
    const lines = text.out.split('\n');
    const at = lines.findIndex((l) => l.includes(': error: invalid access to packet'));
    assert.ok(at >= 0, text.out);
    assert.ok(lines[at]!.startsWith(`${file}:1:1: error:`), lines[at]);
    assert.strictEqual(lines[at + 1], `  at ${join(FIXTURES, 'bad_no_bounds.c')}:10:14: return ip->protocol == IPPROTO_UDP ? XDP_DROP : XDP_PASS;`);
    const json = await cli(['verify', file, '--json']);
    const d = JSON.parse(json.out).programs[0].diagnostics[0];
    assert.deepStrictEqual([d.line, d.column, d.insn], [1, 1, 1]);
    assert.deepStrictEqual(d.source, {
      file: join(FIXTURES, 'bad_no_bounds.c'), line: 10, column: 14, text: '  return ip->protocol == IPPROTO_UDP ? XDP_DROP : XDP_PASS;',
    });
    // An accepted program has no diagnostics to name a line for.
    const ok = await cli(['verify', compile(dir, 'xdp_rodata_config'), '--json']);
    assert.deepStrictEqual(JSON.parse(ok.out).programs[0].diagnostics, []);
  });

  it('prints the kernel\'s `; text @ file:line` lines in the level-2 log', async function () {
    const why = kernelCheckUnavailable();
    if (why) { (this.test as any).skipReason = why; this.skip(); }
    const bad: string[] = [];
    const cases = [...SAME_WALK.map((n) => [n, '-O2']), ['xdp_static_subprog', '-O0']] as const;
    for (const [name, opt] of cases) {
      const file = compile(dir, name, opt);
      const pin = `/sys/fs/bpf/ebpf_linfo_${name}_${process.pid}`;
      const k = bpftoolLoad(file, pin);
      rmSync(pin, { recursive: true, force: true });
      const mod = build(objectOf(file));
      const ours = verifyProgram(mod.programs[0]!, mod.maps, { logLevel: 2 });
      const want = sourceLines(k.log);
      const have = sourceLines(ours.log);
      if (JSON.stringify(want) !== JSON.stringify(have)) bad.push(`${name} ${opt}: kernel ${JSON.stringify(want)}\n  ours ${JSON.stringify(have)}`);
      // At -O2 every fixture's log has source lines; at -O0 libbpf drops BTF and the kernel prints none.
      if (opt === '-O2') assert.ok(want.length > 0, `${name}: the kernel printed no source lines`);
      else assert.deepStrictEqual(want, []);
    }
    assert.deepStrictEqual(bad, []);
  });
});
