/**
 * Checks of the upstream-fact tables in core/src/data: numbering (ids unique and contiguous), names,
 * spot values known from the kernel headers and libbpf, and the lookups built on them. Where this
 * machine has /usr/include/linux/bpf.h (linux-libc-dev), its enums are a second, independent oracle for
 * every id they share with our 6.18 tables.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import { HELPERS, helperById, helperByName, HELPER_ALLOWED, MAX_HELPER_ID } from '../../core/src/data/helpers';
import { PROG_TYPES, progTypeByName, retRangeFor, ATTACH_TYPES, attachTypeId } from '../../core/src/data/progTypes';
import { MAP_TYPES, MAP_FLAGS, mapTypeByName, parseMapFlags } from '../../core/src/data/mapTypes';
import { SECTION_RULES, SECTION_NAMES, progTypeForSection } from '../../core/src/data/sections';
import { ctxAccess, ctxLayoutByName, ctxLayoutFor } from '../../core/src/data/ctx';
import type { CtxLayout } from '../../core/src/data/types';

function assertContiguous(ids: number[], from: number): void {
  ids.forEach((id, i) => assert.strictEqual(id, from + i, `id at index ${i}`));
}

function assertUnique(values: string[], what: string): void {
  const seen = new Set<string>();
  for (const v of values) {
    assert.ok(!seen.has(v), `duplicate ${what} ${v}`);
    seen.add(v);
  }
}

describe('data: helpers', () => {
  it('has every id from 1 to the last one, once, in order', () => {
    assertContiguous(HELPERS.map((h) => h.id), 1);
    assert.strictEqual(HELPERS.length, MAX_HELPER_ID);
    assertUnique(HELPERS.map((h) => h.name), 'helper name');
  });

  const spots: [string, number][] = [
    ['bpf_map_lookup_elem', 1], ['bpf_map_update_elem', 2], ['bpf_map_delete_elem', 3], ['bpf_trace_printk', 6],
    ['bpf_tail_call', 12], ['bpf_redirect', 23], ['bpf_perf_event_output', 25], ['bpf_skb_load_bytes', 26],
    ['bpf_xdp_adjust_head', 44], ['bpf_redirect_map', 51], ['bpf_fib_lookup', 69], ['bpf_spin_lock', 93],
    ['bpf_probe_read_kernel', 113], ['bpf_ringbuf_output', 130], ['bpf_ringbuf_reserve', 131],
    ['bpf_for_each_map_elem', 164], ['bpf_timer_init', 169], ['bpf_loop', 181], ['bpf_strncmp', 182],
    ['bpf_cgrp_storage_delete', 211],
  ];
  for (const [name, id] of spots) {
    it(`${name} is ${id}`, () => {
      assert.strictEqual(helperByName(name)?.id, id);
      assert.strictEqual(helperById(id)?.name, name);
    });
  }

  it('finds helpers with or without the bpf_ prefix and as BPF_FUNC_ names', () => {
    assert.strictEqual(helperByName('map_lookup_elem')?.id, 1);
    assert.strictEqual(helperByName('BPF_FUNC_loop')?.id, 181);
    assert.strictEqual(helperByName('no_such_helper'), undefined);
    assert.strictEqual(helperById(0), undefined);
    assert.strictEqual(helperById(212), undefined);
  });

  it('every row is well formed', () => {
    for (const h of HELPERS) {
      assert.ok(h.args.length <= 5, `${h.name} has ${h.args.length} args`);
      assert.strictEqual(h.args.length, h.kernelArgs?.length, h.name);
      assert.ok(h.signature.includes(`${h.name}(`), `${h.name} signature ${h.signature}`);
      assert.ok(h.doc.length > 10, `${h.name} has a description`);
      assert.match(h.since ?? '', /^\d+\.\d+$/, `${h.name} since`);
      assert.ok(!h.args.includes('other') || h.name === 'bpf_kptr_xchg', `${h.name} has an unmapped argument kind`);
      assert.notStrictEqual(h.ret, 'other', `${h.name} has an unmapped return kind`);
    }
  });

  it('has the exact prototypes of the common helpers', () => {
    const proto = (name: string): string => {
      const h = helperByName(name)!;
      return `${h.ret}(${h.args.join(', ')})`;
    };
    assert.strictEqual(proto('map_lookup_elem'), 'ptr_to_map_value_or_null(const_map_ptr, ptr_to_map_key)');
    assert.strictEqual(proto('map_update_elem'), 'integer(const_map_ptr, ptr_to_map_key, ptr_to_map_value, anything)');
    assert.strictEqual(proto('probe_read_kernel'), 'integer(ptr_to_uninit_mem, const_size_or_zero, anything)');
    // The kernel's proto declares only the format; the verifier does not look at r3-r5.
    assert.strictEqual(proto('trace_printk'), 'integer(ptr_to_readonly_mem, const_size)');
    assert.strictEqual(proto('tail_call'), 'void(ptr_to_ctx, const_map_ptr, anything)');
    assert.strictEqual(proto('skb_load_bytes'), 'integer(ptr_to_ctx, anything, ptr_to_uninit_mem, const_size)');
    assert.strictEqual(proto('ringbuf_reserve'), 'ptr_to_alloc_mem_or_null(const_map_ptr, const_alloc_size_or_zero, anything)');
    assert.strictEqual(proto('ringbuf_submit'), 'void(ptr_to_ringbuf_mem, anything)');
    assert.strictEqual(proto('loop'), 'integer(anything, ptr_to_func, ptr_to_stack_or_null, anything)');
    assert.strictEqual(proto('sk_lookup_tcp'), 'ptr_to_socket_or_null(ptr_to_ctx, ptr_to_readonly_mem, const_size_or_zero, anything, anything)');
    assert.strictEqual(proto('strtol'), 'integer(ptr_to_readonly_mem, const_size, anything, ptr_to_long)');
    assert.strictEqual(proto('ktime_get_ns'), 'integer()');
    assert.strictEqual(helperByName('trace_printk')?.gplOnly, true);
    assert.strictEqual(helperByName('map_lookup_elem')?.pktAccess, true);
  });

  it('knows which program types may call a helper', () => {
    assert.ok(HELPER_ALLOWED('xdp', 51));
    assert.ok(!HELPER_ALLOWED('sched_cls', 51));
    assert.ok(HELPER_ALLOWED('sched_cls', 26));
    assert.ok(HELPER_ALLOWED('socket_filter', 26));
    assert.ok(!HELPER_ALLOWED('socket_filter', 9), 'socket filters cannot store bytes');
    assert.ok(!HELPER_ALLOWED('xdp', 26), 'skb_load_bytes is not an XDP helper');
    assert.ok(HELPER_ALLOWED('kprobe', 113));
    assert.ok(HELPER_ALLOWED('xdp', 1));
    assert.ok(!HELPER_ALLOWED('xdp', 999));
    assert.ok(HELPER_ALLOWED('struct_ops', 116), 'unlisted types accept every existing helper');
    assert.deepStrictEqual(helperById(51)?.progTypes, ['xdp']);
    assert.strictEqual(helperById(6)?.privileged, true);
  });

  it('agrees with the system UAPI header on every id both know', function () {
    const path = '/usr/include/linux/bpf.h';
    if (!fs.existsSync(path)) {
      (this.test!.parent as any).skipReason = `${path} is missing (apt-get install linux-libc-dev)`;
      this.skip();
    }
    const text = fs.readFileSync(path, 'utf8');
    // Headers before 6.1 list FN(name) in id order under __BPF_FUNC_MAPPER; newer ones write
    // FN(name, id, ##ctx) under ___BPF_FUNC_MAPPER.
    let start = text.indexOf('define ___BPF_FUNC_MAPPER');
    if (start < 0) start = text.indexOf('define __BPF_FUNC_MAPPER');
    const mapper = text.slice(start, text.indexOf('\n\n', start));
    const names = [...mapper.matchAll(/FN\((\w+)/g)].map((m) => m[1]!);
    assert.ok(names.length > 150, 'parsed the helper list');
    names.forEach((name, id) => {
      if (id === 0) return;
      assert.strictEqual(helperById(id)?.name, `bpf_${name}`, `helper ${id}`);
    });
  });
});

describe('data: program types, attach types and map types', () => {
  it('numbers program types like enum bpf_prog_type', () => {
    assertContiguous(PROG_TYPES.map((t) => t.id), 0);
    assertUnique(PROG_TYPES.map((t) => t.name), 'prog type');
    assert.strictEqual(progTypeByName('xdp')?.id, 6);
    assert.strictEqual(progTypeByName('BPF_PROG_TYPE_SCHED_CLS')?.id, 3);
    assert.strictEqual(progTypeByName('sk_lookup')?.id, 30);
    assert.strictEqual(progTypeByName('netfilter')?.id, 32);
    assert.strictEqual(progTypeByName('xdp')?.ctx, 'xdp_md');
  });

  it('knows the return ranges the verifier enforces', () => {
    assert.deepStrictEqual(retRangeFor('cgroup_skb'), [0, 1]);
    assert.deepStrictEqual(retRangeFor('cgroup_skb', 'cgroup_inet_egress'), [0, 3]);
    assert.deepStrictEqual(retRangeFor('cgroup_sock_addr', 'cgroup_udp4_recvmsg'), [1, 1]);
    assert.deepStrictEqual(retRangeFor('sk_lookup'), [0, 1]);
    assert.deepStrictEqual(retRangeFor('tracing', 'trace_fentry'), [0, 0]);
    assert.strictEqual(retRangeFor('xdp'), undefined);
    assert.strictEqual(retRangeFor('socket_filter'), undefined);
  });

  it('numbers attach types like enum bpf_attach_type', () => {
    assertUnique(ATTACH_TYPES, 'attach type');
    assert.strictEqual(attachTypeId('cgroup_inet_ingress'), 0);
    assert.strictEqual(attachTypeId('BPF_XDP'), 37);
    assert.strictEqual(attachTypeId('sk_lookup'), 36);
    assert.strictEqual(attachTypeId('trace_uprobe_session'), 57);
    for (const t of PROG_TYPES) for (const a of Object.keys(t.retRangeByAttach ?? {})) assert.ok(attachTypeId(a) !== undefined, a);
  });

  it('numbers map types like enum bpf_map_type', () => {
    assertContiguous(MAP_TYPES.map((t) => t.id), 0);
    assertUnique(MAP_TYPES.map((t) => t.name), 'map type');
    assert.strictEqual(mapTypeByName('hash')?.id, 1);
    assert.strictEqual(mapTypeByName('BPF_MAP_TYPE_RINGBUF')?.id, 27);
    assert.strictEqual(mapTypeByName('cgroup_storage_deprecated')?.id, 19);
    assert.strictEqual(mapTypeByName('arena')?.id, 33);
    assert.strictEqual(mapTypeByName('array')?.keySize, 4);
  });

  it('has the map flag values of the UAPI header', () => {
    const value = (n: string): number | undefined => MAP_FLAGS.find((f) => f.name === n)?.value;
    assert.strictEqual(value('BPF_F_NO_PREALLOC'), 1);
    assert.strictEqual(value('BPF_F_RDONLY_PROG'), 0x80);
    assert.strictEqual(value('BPF_F_MMAPABLE'), 0x400);
    assert.strictEqual(value('BPF_F_NO_USER_CONV'), 1 << 18);
    assert.strictEqual(parseMapFlags('BPF_F_RDONLY_PROG|BPF_F_NO_PREALLOC'), 0x81);
    assert.strictEqual(parseMapFlags('mmapable | 0x1'), 0x401);
    assert.strictEqual(parseMapFlags('BPF_F_BOGUS'), undefined);
  });

  it('agrees with the system UAPI header on the enums both know', function () {
    const path = '/usr/include/linux/bpf.h';
    if (!fs.existsSync(path)) {
      (this.test!.parent as any).skipReason = `${path} is missing (apt-get install linux-libc-dev)`;
      this.skip();
    }
    const text = fs.readFileSync(path, 'utf8');
    const members = (enumName: string, prefix: string): string[] => {
      const body = text.slice(text.indexOf(`enum ${enumName} {`), text.indexOf('};', text.indexOf(`enum ${enumName} {`)));
      return [...body.matchAll(new RegExp(`^\\s*${prefix}(\\w+)\\s*,`, 'gm'))].map((m) => m[1]!.toLowerCase());
    };
    members('bpf_prog_type', 'BPF_PROG_TYPE_').forEach((n, i) => assert.strictEqual(PROG_TYPES[i]?.name, n));
    members('bpf_attach_type', 'BPF_').forEach((n, i) => assert.strictEqual(ATTACH_TYPES[i], n));
    const maps = members('bpf_map_type', 'BPF_MAP_TYPE_');
    assert.ok(maps.length > 25);
    maps.forEach((n, i) => assert.strictEqual(mapTypeByName(n)?.id, i, n));
  });
});

describe('data: section rules', () => {
  const cases: [string, string | undefined, string?][] = [
    ['xdp', 'xdp', 'xdp'],
    ['xdp.frags', 'xdp', 'xdp'],
    ['xdp/devmap', 'xdp', 'xdp_devmap'],
    ['socket', 'socket_filter'],
    ['tc', 'sched_cls'],
    ['tc/ingress', 'sched_cls', 'tcx_ingress'],
    ['tcx/egress', 'sched_cls', 'tcx_egress'],
    ['classifier', 'sched_cls'],
    ['action', 'sched_act'],
    ['kprobe/do_sys_open', 'kprobe'],
    ['kretprobe/x', 'kprobe'],
    ['kprobe.multi/foo*', 'kprobe', 'trace_kprobe_multi'],
    ['uprobe.s/bin:func', 'kprobe'],
    ['ksyscall/openat', 'kprobe'],
    ['tracepoint/syscalls/sys_enter_openat', 'tracepoint'],
    ['tp/sched/sched_switch', 'tracepoint'],
    ['raw_tp/sys_enter', 'raw_tracepoint'],
    ['raw_tracepoint.w/foo', 'raw_tracepoint_writable'],
    ['tp_btf/sched_switch', 'tracing', 'trace_raw_tp'],
    ['fentry/do_unlinkat', 'tracing', 'trace_fentry'],
    ['fexit/do_unlinkat', 'tracing', 'trace_fexit'],
    ['fmod_ret/x', 'tracing', 'modify_return'],
    ['lsm/file_open', 'lsm', 'lsm_mac'],
    ['iter/task', 'tracing', 'trace_iter'],
    ['syscall', 'syscall'],
    ['perf_event', 'perf_event'],
    ['lwt_xmit', 'lwt_xmit'],
    ['sockops', 'sock_ops', 'cgroup_sock_ops'],
    ['sk_skb/stream_parser', 'sk_skb', 'sk_skb_stream_parser'],
    ['sk_msg', 'sk_msg', 'sk_msg_verdict'],
    ['flow_dissector', 'flow_dissector', 'flow_dissector'],
    ['cgroup_skb/ingress', 'cgroup_skb', 'cgroup_inet_ingress'],
    ['cgroup_skb/egress', 'cgroup_skb', 'cgroup_inet_egress'],
    ['cgroup/skb', 'cgroup_skb'],
    ['cgroup/sock_create', 'cgroup_sock', 'cgroup_inet_sock_create'],
    ['cgroup/connect4', 'cgroup_sock_addr', 'cgroup_inet4_connect'],
    ['cgroup/recvmsg_unix', 'cgroup_sock_addr', 'cgroup_unix_recvmsg'],
    ['cgroup/dev', 'cgroup_device', 'cgroup_device'],
    ['cgroup/sysctl', 'cgroup_sysctl', 'cgroup_sysctl'],
    ['cgroup/getsockopt', 'cgroup_sockopt', 'cgroup_getsockopt'],
    ['struct_ops/dctcp_init', 'struct_ops'],
    ['sk_lookup', 'sk_lookup', 'sk_lookup'],
    ['netfilter', 'netfilter', 'netfilter'],
    ['sk_reuseport/migrate', 'sk_reuseport', 'sk_reuseport_select_or_migrate'],
    ['?xdp', 'xdp', 'xdp'],
    ['.text', undefined],
    ['license', undefined],
    ['', undefined],
    ['foo', undefined],
    ['kprobex', 'kprobe'], // only through the legacy prefix rule
  ];
  for (const [section, progType, attachType] of cases) {
    it(`${JSON.stringify(section)} -> ${progType ?? 'nothing'}${attachType ? ` (${attachType})` : ''}`, () => {
      const got = progTypeForSection(section);
      assert.strictEqual(got?.progType, progType);
      if (progType) assert.strictEqual(got?.attachType, attachType);
    });
  }

  it('falls back to the loose matching of libbpf before 1.0, and says so', () => {
    assert.deepStrictEqual(progTypeForSection('classifier/foo'), { progType: 'sched_cls', legacy: true });
    assert.deepStrictEqual(progTypeForSection('xdp_prog'), { progType: 'xdp', attachType: 'xdp', legacy: true });
    assert.strictEqual(progTypeForSection('socket1')?.progType, 'socket_filter');
    assert.strictEqual(progTypeForSection('xdp')?.legacy, undefined);
  });

  it('marks return probes, which the kernel does not tell apart', () => {
    assert.deepStrictEqual(progTypeForSection('kretprobe/do_unlinkat'), { progType: 'kprobe', retprobe: true });
    assert.deepStrictEqual(progTypeForSection('kprobe/do_unlinkat'), { progType: 'kprobe' });
    assert.strictEqual(progTypeForSection('uretprobe.s/bin:f')?.retprobe, true);
  });

  it('marks sleepable and frags sections', () => {
    assert.strictEqual(progTypeForSection('fentry.s/x')?.sleepable, true);
    assert.strictEqual(progTypeForSection('xdp.frags')?.xdpFrags, true);
  });

  it('names only known program types and attach types', () => {
    for (const rule of SECTION_RULES) {
      assert.ok(progTypeByName(rule.progType), rule.prefix);
      if (rule.attachType) assert.ok(attachTypeId(rule.attachType) !== undefined, `${rule.prefix}: ${rule.attachType}`);
    }
    assert.ok(SECTION_NAMES.includes('xdp') && SECTION_NAMES.includes('kprobe') && SECTION_NAMES.includes('cgroup/connect4'));
    assertUnique(SECTION_NAMES, 'section name');
  });
});

describe('data: context layouts', () => {
  it('has the UAPI offsets of __sk_buff and xdp_md', () => {
    const skb = ctxLayoutByName('__sk_buff')!;
    const at = (layout: CtxLayout, name: string): [number, number] | undefined => {
      const f = layout.fields.find((x) => x.name === name);
      return f && [f.offset, f.size];
    };
    assert.strictEqual(skb.size, 192);
    assert.deepStrictEqual(at(skb, 'len'), [0, 4]);
    assert.deepStrictEqual(at(skb, 'protocol'), [16, 4]);
    assert.deepStrictEqual(at(skb, 'cb[0]'), [48, 4]);
    assert.deepStrictEqual(at(skb, 'data'), [76, 4]);
    assert.deepStrictEqual(at(skb, 'data_end'), [80, 4]);
    assert.deepStrictEqual(at(skb, 'data_meta'), [140, 4]);
    assert.deepStrictEqual(at(skb, 'flow_keys'), [144, 8]);
    assert.deepStrictEqual(at(skb, 'sk'), [168, 8]);
    assert.deepStrictEqual(at(skb, 'hwtstamp'), [184, 8]);
    const xdp = ctxLayoutFor('xdp')!;
    assert.deepStrictEqual(at(xdp, 'data'), [0, 4]);
    assert.deepStrictEqual(at(xdp, 'data_end'), [4, 4]);
    assert.deepStrictEqual(at(xdp, 'data_meta'), [8, 4]);
    assert.deepStrictEqual(at(ctxLayoutFor('kprobe')!, 'rdi'), [112, 8]);
    assert.deepStrictEqual(at(ctxLayoutFor('sock_ops')!, 'sk'), [184, 8]);
    assert.deepStrictEqual(at(ctxLayoutFor('cgroup_sock_addr')!, 'user_port'), [24, 4]);
  });

  it('gives every program type with a fixed context a layout whose fields fit', () => {
    for (const t of PROG_TYPES) {
      const layout = ctxLayoutFor(t.name);
      if (!layout) continue;
      for (const f of layout.fields) assert.ok(f.offset + f.size <= layout.size, `${layout.name}.${f.name}`);
    }
    for (const name of ['socket_filter', 'sched_cls', 'sched_act', 'cgroup_skb', 'lwt_in', 'sk_skb', 'flow_dissector', 'xdp', 'kprobe',
      'perf_event', 'raw_tracepoint', 'sock_ops', 'cgroup_sock', 'sk_msg', 'cgroup_sock_addr', 'sk_lookup']) {
      assert.ok(ctxLayoutFor(name), name);
      assert.strictEqual(ctxLayoutFor(name)!.name, progTypeByName(name)!.ctx, name);
    }
    assert.strictEqual(ctxLayoutFor('tracing'), undefined);
  });

  it('applies the per-type rules of __sk_buff', () => {
    assert.deepStrictEqual(ctxAccess('sched_cls', 76, 4, false).ok && ctxAccess('sched_cls', 76, 4, false), {
      ok: true, kind: 'pkt', field: ctxLayoutFor('sched_cls')!.fields.find((f) => f.name === 'data'),
    });
    const kindOf = (r: ReturnType<typeof ctxAccess>): string | undefined => (r.ok ? r.kind : undefined);
    assert.strictEqual(kindOf(ctxAccess('sched_cls', 140, 4, false)), 'pkt_meta');
    assert.strictEqual(ctxAccess('socket_filter', 76, 4, false).ok, false, 'socket filters see no packet pointers');
    assert.strictEqual(ctxAccess('socket_filter', 48, 8, true).ok, true, 'cb[] takes any width');
    assert.strictEqual(ctxAccess('socket_filter', 64, 8, true).ok, false, 'but not past cb[4]');
    assert.strictEqual(ctxAccess('socket_filter', 8, 4, true).ok, false, 'mark is read-only there');
    assert.strictEqual(ctxAccess('sched_cls', 8, 4, true).ok, true);
    assert.strictEqual(ctxAccess('sched_cls', 16, 2, false).ok, true, 'narrow load of protocol');
    assert.strictEqual(ctxAccess('sched_cls', 76, 2, false).ok, false, 'no narrow load of data');
    assert.strictEqual(kindOf(ctxAccess('flow_dissector', 144, 8, false)), 'flow_keys');
    assert.strictEqual(ctxAccess('xdp', 20, 4, false).ok, false, 'egress_ifindex needs xdp_devmap');
    assert.strictEqual(ctxAccess('xdp', 20, 4, false, 'xdp_devmap').ok, true);
    assert.strictEqual(ctxAccess('xdp', 200, 4, false).ok, false);
    assert.strictEqual(ctxAccess('tracing', 0, 8, false).ok, false);
  });
});
