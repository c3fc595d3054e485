/**
 * Tests of BTF-defined maps written for `# @map` annotations (core/src/elf/mapsWriter.ts): what the
 * writer adds reads back through the object-map reader (maps.ts) as the same definitions, an object's
 * own `.BTF` (function types for func_info) survives the addition, and, as root with bpftool, libbpf
 * creates every map and the kernel loads the program (`kernelVerdict`, the code behind
 * `ebpf verify --kernel`), for a map of each common shape and for the bpf_loop example with a map added.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { mapsFromObject } from '../../core/src/elf/maps';
import { withBtfMaps } from '../../core/src/elf/mapsWriter';
import { buildModule } from '../../core/src/program/build';
import type { MapDef } from '../../core/src/program/model';
import { assembleModule } from '../../core/src/program/assembleModule';
import { kernelCheckUnavailable, kernelVerdict } from '../../core/src/cli/kernelCheck';

const EXAMPLE = path.join(__dirname, '..', '..', '..', 'examples', 'bpf_loop.s');

/** An XDP program that loads five annotated maps: array, hash with a flag, ring buffer, array of maps (and its template). */
const SOURCE = `# @map counts type=array key_size=4 value_size=8 max_entries=4
# @map flows type=hash key_size=8 value_size=16 max_entries=128 flags=BPF_F_NO_PREALLOC
# @map events type=ringbuf key_size=0 value_size=0 max_entries=4096
# @map inner type=array key_size=4 value_size=4 max_entries=1
# @map outer type=array_of_maps key_size=4 value_size=4 max_entries=2 inner=inner
\t.section xdp,"ax",@progbits
\t.globl prog
\t.type prog,@function
prog:
\tr1 = counts ll
\tr1 = flows ll
\tr1 = events ll
\tr1 = outer ll
\tr0 = 2
\texit
\t.size prog, .-prog
\t.section license,"aw",@progbits
\t.asciz "GPL"
`;

describe('BTF maps for annotations', () => {
  it('reads back as the annotated definitions', () => {
    const a = assembleModule(SOURCE, 't.s');
    const used = a.module.maps.filter((m) => m.name !== 'inner');
    const w = withBtfMaps(a.object, used, a.module.maps);
    assert.ok(w.ok, w.ok ? '' : w.message);
    const back = mapsFromObject(w.object);
    assert.deepStrictEqual(back.diagnostics, []);
    const strip = (m: MapDef): unknown[] => [m.name, m.type, m.keySize, m.valueSize, m.maxEntries, m.flags, m.inner];
    // The reader names the template of a map-in-map after its outer map.
    const want = [...used.slice(0, 3), { ...a.module.maps.find((m) => m.name === 'inner')!, name: 'outer.inner' }, { ...used[3]!, inner: 'outer.inner' }];
    assert.deepStrictEqual(back.maps.map(strip), want.map(strip));
    const syms = w.object.symbols.filter((s) => s.section === '.maps').map((s) => [s.name, s.value, s.size, s.bind, s.type]);
    assert.deepStrictEqual(syms, [['counts', 0, 32, 'global', 'object'], ['flows', 32, 40, 'global', 'object'], ['events', 72, 16, 'global', 'object'], ['outer', 88, 32, 'global', 'object']]);
  });

  it('keeps the function types and func_info of an object that has .BTF already', () => {
    const a = assembleModule(fs.readFileSync(EXAMPLE, 'utf8'), 'bpf_loop.s');
    const before = a.module.programs[0]!.btfFuncs;
    const w = withBtfMaps(a.object, [{ name: 'hits', type: 'array', keySize: 4, valueSize: 8, maxEntries: 1, flags: 0, flagNames: [] }]);
    assert.ok(w.ok);
    const built = buildModule(w.object, { fileName: 'x.o' });
    assert.deepStrictEqual(built.diagnostics.filter((d) => d.severity !== 'info'), []);
    assert.deepStrictEqual(built.module.programs[0]!.btfFuncs, before);
    assert.deepStrictEqual(built.module.maps.map((m) => m.name), ['hits']);
  });

  it('says why it cannot add maps', () => {
    const a = assembleModule(SOURCE, 't.s');
    const outer = a.module.maps.find((m) => m.name === 'outer')!;
    const noInner = withBtfMaps(a.object, [outer], [outer]);
    assert.deepStrictEqual(noInner, { ok: false, message: "map 'outer': inner map 'inner' is not declared" });
    const withMaps = { ...a.object, sections: [...a.object.sections, { ...a.object.sections[0]!, name: '.maps' }] };
    assert.deepStrictEqual(withBtfMaps(withMaps, [outer]), { ok: false, message: 'the object already has a .maps section' });
  });

  describe('loaded by bpftool', function () {
    this.timeout(30000);
    before(function () {
      const why = kernelCheckUnavailable();
      if (why) { (this.test!.parent as any).skipReason = why; this.skip(); }
    });

    it('creates every map and the kernel accepts the program', () => {
      const a = assembleModule(SOURCE, 't.s');
      assert.deepStrictEqual(kernelVerdict(a.object, a.module.programs[0]!, a.module.maps), { checked: true, accepted: true, message: '' });
    });

    it('loads the bpf_loop example with a map added next to its function types', () => {
      const text = fs.readFileSync(EXAMPLE, 'utf8')
        .replace('\tr1 = *(u64 *)(r10 - 8)\n', '\tr1 = hits ll\n\tr1 = *(u64 *)(r10 - 8)\n');
      const a = assembleModule(`# @map hits type=array key_size=4 value_size=8 max_entries=1\n${text}`, 't.s');
      assert.deepStrictEqual(kernelVerdict(a.object, a.module.programs[0]!, a.module.maps), { checked: true, accepted: true, message: '' });
      // Without the annotation's definition libbpf cannot resolve the load: the check is real.
      const none = kernelVerdict(a.object, a.module.programs[0]!, []);
      assert.ok(!(none.checked && none.accepted), JSON.stringify(none));
    });
  });
});
