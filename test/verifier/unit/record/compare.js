// node compare.js corpus.s [--json out.json]
const fs = require('fs');
process.argv.splice(2, 0);
const { build } = (() => { const m = { exports: {} }; const src = fs.readFileSync(__dirname + '/probe.js', 'utf8').replace(/^#!.*/, ''); const f = new Function('require', 'module', 'process', '__dirname', src); f(require, m, { argv: ['', '', 'x'] , exit: process.exit }, __dirname); return m.exports; })();
const K = require(require('path').join(__dirname, '../../../..') + '/out/test/kernel/kernel.js');
const ours = require('./ours.js');
const text = fs.readFileSync(process.argv[2], 'utf8');
const parts = text.split(/^----$/m);
const names = parts.map((p, i) => (/#name (\S+)/.exec(p) || [])[1] || 'case' + i);
const reqs = parts.map((p) => build(p.replace(/^#name.*$/m, '')));
const kres = K.kernelBatch(reqs);
let agreeV = 0, agreeI = 0, agreeM = 0, agreeP = 0, rejected = 0; const out = [];
kres.forEach((kr, i) => {
  const r = ours.run(reqs[i], {});
  const k = ours.lastErr(kr.log);
  const kinsn = kr.loaded ? undefined : k.insn;
  const kmsg = kr.loaded ? undefined : k.msg;
  const v = r.accepted === kr.loaded; agreeV += v;
  if (!kr.loaded) { rejected++; if (!r.accepted && r.error.insn === kinsn) agreeI++; if (!r.accepted && r.error.message === kmsg) agreeM++; }
  const p = r.insnsProcessed === k.processed; agreeP += p;
  const bad = !v || (!kr.loaded && (r.error?.message !== kmsg || r.error?.insn !== kinsn)) || !p;
  if (bad) console.log(`${names[i]}: ours ${r.accepted ? 'ACC' : 'REJ'} @${r.error?.insn} "${r.error?.message ?? ''}" p=${r.insnsProcessed} | kern ${kr.loaded ? 'ACC' : 'REJ'} @${kinsn} "${kmsg ?? ''}" p=${k.processed}${kr.error ? ' ERR ' + kr.error : ''}`);
  out.push({ name: names[i], hex: reqs[i].insns, progType: reqs[i].progType, maps: reqs[i].maps, mapRefs: reqs[i].mapRefs, asm: parts[i].replace(/^#name.*\n/m, '').trim(), accepted: kr.loaded, insn: kinsn, message: kmsg, processed: k.processed });
});
console.log(`verdict ${agreeV}/${kres.length}, insn ${agreeI}/${rejected}, msg ${agreeM}/${rejected}, processed ${agreeP}/${kres.length}`);
const ji = process.argv.indexOf('--json'); if (ji > 0) fs.writeFileSync(process.argv[ji + 1], JSON.stringify(out, null, 1));
