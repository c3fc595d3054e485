// node gen.js SEED N > out.s : random programs for differential testing
let seed = +process.argv[2] || 1; const N = +process.argv[3] || 100;
const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
const pick = (a) => a[Math.floor(rnd() * a.length)];
const ri = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
const out = [];
for (let p = 0; p < N; p++) {
  const kind = pick(['sk', 'sk', 'xdp', 'map', 'map']);
  const L = [];
  let hdr = '';
  if (kind === 'xdp') { hdr = '## prog xdp\n'; L.push('r6 = r1', 'r2 = *(u32 *)(r6 + 0)', 'r3 = *(u32 *)(r6 + 4)'); }
  else L.push('r6 = r1');
  if (kind === 'map') { hdr = `## map ${pick(['hash', 'array'])} 4 ${pick([8, 16, 64])} 8\n`; }
  L.push('r7 = 0', 'r8 = 0', 'r9 = 0');
  const n = ri(3, 14);
  const regs = ['r7', 'r8', 'r9'];
  for (let i = 0; i < n; i++) {
    const c = ri(0, 19);
    const d = pick(regs);
    switch (c) {
      case 0: L.push(`${d} = ${ri(-5, 300)}`); break;
      case 1: L.push(`${d} ${pick(['+=', '-=', '&=', '|=', '^=', '*=', '<<=', '>>=', 's>>=', '/=', '%='])} ${pick([ri(0, 70), ri(1, 8), 255, pick(regs)])}`); break;
      case 2: L.push(`w${d.slice(1)} ${pick(['+=', '-=', '&=', '|=', '<<=', '>>='])} ${ri(0, 40)}`); break;
      case 3: if (kind !== 'xdp') L.push(`${d} = *(u${pick([8, 16, 32])} *)(r6 + ${pick([0, 4, 8, 16, 48])})`); else L.push(`${d} = *(u32 *)(r6 + ${pick([12, 16])})`); break;
      case 4: L.push(`*(u64 *)(r10 - ${pick([8, 16, 24])}) = ${d}`); break;
      case 5: L.push(`${d} = *(u64 *)(r10 - ${pick([8, 16, 24])})`); break;
      case 6: L.push(`if ${d} ${pick(['>', '<', '==', '!=', 's>', 's<', '>=', '&'])} ${pick([ri(0, 100), pick(regs)])} goto +${ri(1, 2)}`); L.push(`${pick(regs)} = ${ri(0, 9)}`, `${pick(regs)} += 1`); break;
      case 7: if (kind === 'xdp') { L.push(`r4 = r2`, `r4 += ${ri(1, 40)}`, `if r4 > r3 goto +2`, `${d} = *(u8 *)(r2 + ${ri(0, 42)})`, `r0 = 0`); } break;
      case 8: if (kind === 'map') { L.push(`*(u32 *)(r10 - 4) = ${d}`, 'r2 = r10', 'r2 += -4', 'r1 = MAP0', 'call 1');
        if (rnd() < 0.7) { L.push(`if r0 == 0 goto +${rnd() < 0.5 ? 3 : 2}`); }
        L.push(`${pick(regs)} &= ${pick([7, 15, 63, 255])}`, `r0 += ${pick(regs)}`, `${pick(regs)} = *(u${pick([8, 32, 64])} *)(r0 + ${ri(0, 10)})`); } break;
      case 9: L.push(`r1 = r10`, `r1 += -${pick([8, 16, 32])}`, `${d} &= ${pick([7, 15, 31])}`, `r1 += ${d}`, `${pick(regs)} = *(u8 *)(r1 + 0)`); break;
      case 10: L.push(`call 7`, `${d} = r0`); break;
      case 11: L.push(`${d} = ${ri(0, 20)}`, `${d} += 1`, `if ${d} < ${ri(5, 30)} goto -2`); break;
      case 12: L.push(`${d} = (s${pick([8, 16, 32])})${pick(regs)}`); break;
      case 13: L.push(`${d} = -${d}`); break;
      case 14: L.push(`if w${d.slice(1)} ${pick(['>', '<', 's>', 's<', '==', '!='])} ${pick([ri(0, 100), 'w' + pick(regs).slice(1)])} goto +1`, `${pick(regs)} = ${ri(0, 9)}`); break;
      case 15: L.push(`w${d.slice(1)} = w${pick(regs).slice(1)}`); break;
      case 16: L.push(`*(u32 *)(r10 - ${pick([8, 12, 16])}) = w${d.slice(1)}`, `${pick(regs)} = *(u${pick([8, 16, 32, 64])} *)(r10 - ${pick([8, 16])})`); break;
      case 17: L.push(`r1 = r10`, `r1 += -16`, `r2 = ${d}`, `r2 &= ${pick([7, 15, 16, 31])}`, `r3 = 0`, `call 113`); break;
      case 18: L.push(`${d} = ${pick(regs)}`, `if ${d} > ${ri(1, 50)} goto +3`, `r1 = r10`, `r1 += ${d}`, `${pick(regs)} = *(u8 *)(r1 - 60)`); break;
      case 19: L.push(`${d} s/= ${pick([3, -2, 7])}`, `${d} = bswap${pick([16, 32, 64])} ${d}`); break;
    }
  }
  L.push(`r0 = ${pick(['0', 'r7', 'r8'])}`, 'exit');
  out.push(`#name g${process.argv[2]}_${p}\n${hdr}${L.join('\n')}`);
}
console.log(out.join('\n----\n'));
