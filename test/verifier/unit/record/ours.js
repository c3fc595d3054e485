const isa = require(require('path').join(__dirname, '../../../..') + '/out/core/src/isa/index.js');
const V = require(require('path').join(__dirname, '../../../..') + '/out/core/src/verifier/index.js');
const MT = require(require('path').join(__dirname, '../../../..') + '/out/core/src/data/mapTypes.js');
const PT = require(require('path').join(__dirname, '../../../..') + '/out/core/src/data/progTypes.js');
function toProgram(req) {
  const bytes = Uint8Array.from(Buffer.from(req.insns, 'hex'));
  const d = isa.decodeProgram(bytes);
  const maps = (req.maps || []).map((m, i) => ({ name: 'm' + i, type: MT.mapTypeById(m.type).name, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries, flags: m.flags || 0, flagNames: [] }));
  const refs = new Map((req.mapRefs || []).map(([slot, mi]) => [slot, { kind: 'map', map: 'm' + mi, offset: 0 }]));
  const prog = { name: 'p', section: 's', progType: PT.progTypeById(req.progType).name, progTypeSource: 'option', insns: d.insns, lines: [], funcs: [], ldImm64Refs: refs, externCalls: new Map(), labels: new Map() };
  return { prog, maps };
}
function lastErr(log) {
  const lines = log.replace(/([^\n])processed (\d+) insns/, '$1\nprocessed $2 insns').split('\n').filter((l) => l.length);
  const i = lines.findIndex((l) => l.startsWith('processed '));
  // first error line: the line after the last instruction/state line
  let j = i - 1;
  while (j > 0 && !/^\d+: \(|^\d+: R|^from \d+|^\d+: safe|^mark_precise|^\(\d|^Live regs|^ +\d+:|^func#/.test(lines[j - 1])) j--;
  return { msg: lines[j], processed: i >= 0 ? +/processed (\d+)/.exec(lines[i])[1] : undefined, insn: (() => { for (let k = j - 1; k >= 0; k--) { const m = /^(\d+): \(/.exec(lines[k]); if (m) return +m[1]; } return undefined; })() };
}
function run(req, opts = {}) { const { prog, maps } = toProgram(req); return V.verifyProgram(prog, maps, opts); }
function show(req, kr) {
  const r = run(req, { logLevel: 2 });
  const k = lastErr(kr.log);
  console.log(`--- ours: ${r.accepted ? 'ACCEPT' : 'REJECT'} insn ${r.error?.insn} msg "${r.error?.message ?? ''}" processed ${r.insnsProcessed}`);
  console.log(`--- kern: ${kr.loaded ? 'ACCEPT' : 'REJECT'} insn ${k.insn} msg "${kr.loaded ? '' : k.msg}" processed ${k.processed}`);
  if (process.argv.includes('--ourlog')) console.log(r.log);
}
module.exports = { show, run, toProgram, lastErr };
