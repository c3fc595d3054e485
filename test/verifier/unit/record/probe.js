// usage: node probe.js file.s [--ours] [--level N]; file may contain "## prog 6" and "## map type ks vs max" lines.
// Separate multiple programs with a line "----".
const fs = require('fs'); const { spawnSync } = require('child_process');
const K = require(require('path').join(__dirname, '../../../..') + '/out/test/kernel/kernel.js');
const args = process.argv.slice(2); const file = args[0];
const level = args.includes('--level') ? Number(args[args.indexOf('--level') + 1]) : 2;
const progTypes = { socket_filter: 1, kprobe: 2, sched_cls: 3, sched_act: 4, tracepoint: 5, xdp: 6, perf_event: 7, cgroup_skb: 8, cgroup_sock: 9, lwt_in: 10, sock_ops: 13, sk_skb: 14, cgroup_device: 15, raw_tracepoint: 17, cgroup_sock_addr: 18, cgroup_sysctl: 23, flow_dissector: 22, sk_lookup: 30, syscall: 31, tracing: 26, lsm: 29 };
const mapTypes = { hash: 1, array: 2, prog_array: 3, perf_event_array: 4, percpu_hash: 5, percpu_array: 6, lru_hash: 9, array_of_maps: 12, ringbuf: 27 };
function build(text) {
  let prog = 1; const maps = []; const mapRefs = [];
  const lines = text.split('\n'); const asm = [];
  for (const l of lines) {
    let m;
    if ((m = /^##\s*prog\s+(\w+)/.exec(l))) { prog = isNaN(+m[1]) ? progTypes[m[1]] : +m[1]; continue; }
    if ((m = /^##\s*map\s+(\w+)\s+(\d+)\s+(\d+)\s+(\d+)(?:\s+(\d+))?/.exec(l))) { maps.push({ type: mapTypes[m[1]] ?? +m[1], keySize: +m[2], valueSize: +m[3], maxEntries: +m[4], flags: m[5] ? +m[5] : 0 }); continue; }
    asm.push(l);
  }
  const pcs = [];
  const asm2 = asm.map((l) => { const m = /^\s*callpc\s+([+-]?\d+)/.exec(l); if (m) { pcs.push(+m[1]); return 'call 424242'; } return l; });
  const src = asm2.map((l) => l.replace(/\bMAP(\d)\b/, '0 ll ## mapref$1').replace(/ll ll/, 'll')).join('\n');
  fs.writeFileSync(require('path').join(require('os').tmpdir(), 'vprobe-cur.s'), src);
  const p = spawnSync('llvm-mc-22', ['-triple', 'bpfel', '-mcpu=v4', '--show-encoding', require('path').join(require('os').tmpdir(), 'vprobe-cur.s')], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (p.status !== 0) { console.log(p.stderr); process.exit(2); }
  let hex = ''; let slot = 0;
  for (const l of p.stdout.split('\n')) {
    const m = /encoding: \[([^\]]*)\]/.exec(l); if (!m) continue;
    const bytes = m[1].split(',').map((b) => Number(b));
    // find mapref marker in the original: llvm drops comments; match by order instead
    hex += bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
    if (bytes.length === 16 && /ll/.test(l)) mapRefs.push(slot);
    slot += bytes.length / 8;
  }
  let k = 0;
  hex = hex.replace(/8500000032790600/g, () => { const v = pcs[k++] >>> 0; return '85100000' + [v & 255, (v >> 8) & 255, (v >> 16) & 255, (v >>> 24) & 255].map((b) => b.toString(16).padStart(2, '0')).join(''); });
  // map refs: every ld_imm64 whose source line had MAPn
  const refLines = asm.filter((l) => /\bll\b|\bMAP\d\b/.test(l) && !/^\s*#/.test(l));
  const refs = [];
  refLines.forEach((l, i) => { const m = /\bMAP(\d)\b/.exec(l); if (m && mapRefs[i] !== undefined) refs.push([mapRefs[i], +m[1]]); });
  return { insns: hex, progType: prog, maps, mapRefs: refs, logLevel: level, logSize: 1 << 24 };
}
if (require.main !== module) { module.exports = { build }; return; }
const text = fs.readFileSync(file, 'utf8');
const reqs = text.split(/^----$/m).map(build);
const res = K.kernelBatch(reqs);
let ours; try { ours = require('./ours.js'); } catch (e) { ours = undefined; }
res.forEach((r, i) => {
  console.log(`=== prog ${i}: kernel ${r.loaded ? 'ACCEPT' : 'REJECT errno ' + r.errno} ${r.error ?? ''}`);
  const log = r.log.split('\n'); console.log(log.length > 60 && !args.includes('--full') ? log.slice(0, 25).concat(['...'], log.slice(-30)).join('\n') : r.log);
  if (ours && args.includes('--ours')) ours.show(reqs[i], r);
});
