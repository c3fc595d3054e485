/**
 * The BTF prototypes a global-function test program is loaded with. Assembly carries no BTF, so each
 * test source lists its functions in slot order, one `# @btf` line each, the entry first:
 *   # @btf prog global int(struct xdp_md[24] *)
 *   # @btf f global int(int, struct pair[16] *)
 * A type is `void`, `int`, `long`, `char` or `struct NAME[SIZE]`, followed by any number of `*`;
 * `fnproto *` is a pointer to a function prototype. The same description goes to the kernel oracle
 * (as JSON types) and, encoded as a real BTF section and read back by our BTF reader, to our verifier.
 */
import type { BtfFuncInfo } from '../../../core/src/program/model';
import { BtfBuilder, BTF_INT, BTF_LINKAGE } from '../../../core/src/elf/btfWriter';
import { readBtf, paramType, BTF_KIND } from '../../../core/src/elf/btf';

/** A type in the oracle's JSON form (see test/kernel/bpf_syscall.py, btf_blob_typed). */
export type TypeSpec = string | { ptr: TypeSpec } | { struct: string; size: number } | { func: true };

/** One function as the oracle receives it. */
export interface ProtoFunc {
  slot: number;
  name: string;
  linkage: 'static' | 'global';
  params: number;
  types: { ret: TypeSpec; params: TypeSpec[] };
}

function parseType(text: string): TypeSpec {
  const m = /^\s*(void|int|long|char|fnproto|struct\s+(\w+)\[(\d+)\])\s*((?:\*\s*)*)$/.exec(text);
  if (!m) throw new Error(`cannot read the type '${text}'`);
  let t: TypeSpec = m[2] ? { struct: m[2], size: Number(m[3]) } : m[1] === 'fnproto' ? { func: true } : m[1]!;
  for (const _ of m[4]!.replace(/\s/g, '')) t = { ptr: t };
  return t;
}

/** The `# @btf` lines of a source, paired with the function starts (in slot order). */
export function protoFuncs(text: string, starts: number[]): ProtoFunc[] {
  const lines = [...text.matchAll(/^#\s*@btf\s+(\w+)\s+(static|global)\s+([^(]+)\(([^)]*)\)\s*$/gm)];
  if (lines.length !== starts.length) throw new Error(`${lines.length} @btf lines for ${starts.length} functions`);
  return lines.map((m, i) => {
    const params = m[4]!.trim() === '' ? [] : m[4]!.split(',').map(parseType);
    return { slot: starts[i]!, name: m[1]!, linkage: m[2] as 'static' | 'global', params: params.length, types: { ret: parseType(m[3]!), params } };
  });
}

/**
 * The func_info our verifier gets: the prototypes written as a `.BTF` section with our encoder and
 * read back with our reader, the way a program from an object file gets them.
 */
export function btfFuncsFor(funcs: ProtoFunc[]): BtfFuncInfo[] {
  const b = new BtfBuilder();
  const memo = new Map<string, number>();
  const id = (t: TypeSpec): number => {
    const key = JSON.stringify(t);
    const known = memo.get(key);
    if (known !== undefined) return known;
    let v: number;
    if (t === 'void') v = 0;
    else if (t === 'int' || t === 'long' || t === 'char') v = b.int(t, t === 'int' ? 4 : t === 'long' ? 8 : 1, t === 'char' ? 0 : BTF_INT.SIGNED);
    else if (typeof t === 'string') throw new Error(`unknown type ${t}`);
    else if ('ptr' in t) v = b.ptr(id(t.ptr));
    else if ('struct' in t) v = b.struct(t.struct, t.size, []);
    else v = b.funcProto(id('int'), []);
    memo.set(key, v);
    return v;
  };
  const funcIds = funcs.map((f) => {
    const proto = b.funcProto(id(f.types.ret), f.types.params.map((p, i) => ({ name: `a${i}`, type: id(p) })));
    return b.func(f.name, proto, f.linkage === 'global' ? BTF_LINKAGE.GLOBAL : BTF_LINKAGE.STATIC);
  });
  const btf = readBtf(b.bytes()).btf!;
  return funcs.map((f, i) => {
    const fn = btf.type(funcIds[i]!)!;
    const proto = btf.type(fn.sizeOrType)!;
    if (fn.kind !== BTF_KIND.FUNC || proto.kind !== BTF_KIND.FUNC_PROTO) throw new Error('the encoded BTF does not read back');
    return {
      slot: f.slot, name: fn.name, linkage: f.linkage, params: proto.members.length,
      proto: { ret: paramType(btf, proto.sizeOrType), params: proto.members.map((m) => paramType(btf, m.type)) },
    };
  });
}
