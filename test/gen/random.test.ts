/**
 * The random program generator itself: the same seed gives the same program, every program decodes
 * cleanly back to its instructions, jumps land on labelled instruction starts inside their
 * function, and the text defines every label it uses. The comparison with llvm-mc is in test/diff.
 */
import * as assert from 'assert';
import { randomProgram } from './random';
import { decodeProgram } from '../../core/src/isa/codec';
import { jumpTarget } from '../../core/src/isa/insn';
import { assemble } from '../../core/src/asm/assembler';
import { printMnemonic } from '../../core/src/asm/mnemonicPrinter';

describe('random program generator', () => {
  it('is deterministic per seed and differs between seeds', () => {
    assert.strictEqual(randomProgram(42).text, randomProgram(42).text);
    assert.notStrictEqual(randomProgram(42).text, randomProgram(43).text);
  });

  it('produces programs that decode cleanly, with jumps to labelled slots of the same function', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const p = randomProgram(seed, { subprograms: seed % 3 });
      const d = decodeProgram(p.bytes);
      assert.deepStrictEqual(d.diagnostics, [], `seed ${seed}`);
      assert.strictEqual(d.insns.length, p.insns.length);
      const starts = new Map(p.funcs.map((f) => [f.start, f.name]));
      p.insns.forEach((insn, pc) => {
        const t = jumpTarget(insn, pc);
        if (t === undefined || p.relocations.some((r) => r.slot === pc)) return;
        const fn = p.funcs.find((f) => pc >= f.start && pc < f.end)!;
        if (insn.kind === 'call') assert.ok(starts.has(t), `seed ${seed} slot ${pc}: call to ${t}`);
        else {
          assert.ok(t >= fn.start && t < fn.end, `seed ${seed} slot ${pc}: jump out of ${fn.name}`);
          assert.ok(p.labels.has(t), `seed ${seed} slot ${pc}: unlabelled target ${t}`);
        }
        assert.notStrictEqual(p.insns[t]?.kind, 'ldImm64Hi');
      });
      for (const name of [...p.labels.values(), ...p.funcs.map((f) => f.name)]) {
        assert.ok(p.text.includes(`\n${name}:\n`), `seed ${seed}: label ${name} not defined`);
      }
      assert.strictEqual(p.insns[p.insns.length - 1]!.kind, 'exit');
    }
  });

  it('writes the mnemonic dialect without directives', () => {
    const p = randomProgram(7, { dialect: 'mnemonic' });
    assert.ok(!p.text.includes('.section') && !p.text.includes('.globl'));
    assert.ok(p.text.startsWith('p7_prog:\n'));
  });

  it('our assembler reads the mnemonic text back to the generator\'s bytes', () => {
    const problems: string[] = [];
    for (let seed = 1; seed <= 200; seed++) {
      // The mnemonic dialect has no spelling for the kind of a pseudo 64-bit load, nor for our LLVM extensions.
      const p = randomProgram(seed, { dialect: 'mnemonic', forms: (f) => !f.llvmExtension && !(f.sem.kind === 'ldImm64' && f.srcSel !== 0) });
      const r = assemble(p.text);
      const err = r.diagnostics.find((d) => d.severity === 'error');
      const code = r.object.sections.find((x) => x.data.length > 0)?.data ?? new Uint8Array(0);
      if (err) { problems.push(`seed ${seed}: ${err.message}: ${p.text.split('\n')[err.range.line - 1]}`); continue; }
      const at = p.insns.findIndex((_, k) => Buffer.compare(Buffer.from(code.subarray(k * 8, k * 8 + 8)), Buffer.from(p.bytes.subarray(k * 8, k * 8 + 8))) !== 0);
      if (at >= 0 || code.length !== p.bytes.length) problems.push(`seed ${seed}: bytes differ at slot ${at}: ${at < 0 ? 'length' : printMnemonic(p.insns[p.insns[at]!.kind === 'ldImm64Hi' ? at - 1 : at]!)}`);
    }
    assert.deepStrictEqual(problems, []);
  });
});
