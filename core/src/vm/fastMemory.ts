/**
 * The memory accesses of the fast tier's compiled code (see fast.ts): loads and stores through a
 * small cache of regions held in the compiled function's locals, with the checked Memory methods as
 * the slow path, and the statements that fill and empty that cache.
 */
import { REGION_TAG, OFFSET_BIAS } from './memory';

/** A number as JavaScript source; negatives are parenthesised so that `a - -1` never becomes `a--1`. */
export function lit(v: number): string {
  return v < 0 ? `(${v})` : String(v);
}

/*
 * Memory accesses in compiled code go through a two-entry cache of recently used regions held in
 * locals: for entry k the region's tag Hk (the high half of pointers into it), the start Sk of its
 * valid window, the window's bytes Bk and a DataView Vk on the window alone (Region.view, viewDv),
 * and whether it is writable (Wk). Locals, not the region object, so that a hit reads no
 * properties. A hit costs one comparison of the high half; the window check is the bounds check of
 * the view itself: a byte outside reads as undefined, which goes on to the slow path, and a wider
 * access outside throws a RangeError, which the function's catch turns into a hand-over to the
 * interpreter at that instruction (the slot is in pc, set just before such an access), where the
 * fault is raised with its usual message. Since a region's tag names that region alone, an access
 * with a matching tag outside the window is always a fault, so the costly exception only ever ends
 * a run. A miss calls the checked Memory method, which raises the fault if there is one, and then
 * caches the region. Regions whose loads are special (context pointer fields) or that can be
 * released are never cached, and helper calls (the only thing that moves a window or releases a
 * region) empty the cache: a tag of -1 and empty views, so that a stale window never serves an
 * access and a sign-extended scalar (whose high half is -1) only reaches the slow path or a fault.
 * Pointer arithmetic that carries into the high half changes the tag, so a hit never stands for an
 * address in another region.
 */
export const fill1 = (R: string): string => `H1=${R}.id+${REGION_TAG};S1=${R}.start;B1=${R}.view;V1=${R}.viewDv;W1=${R}.writable;`;
const remember = 'q=mem.regionOf(b);if(q!==undefined&&q.ptrFields===undefined&&q.kind!=="ringbuf"){' +
  `H2=H1;S2=S1;B2=B1;V2=V1;W2=W1;${fill1('q')}}`;
/** Empties both cache entries (after a helper call). */
export const forget = 'H1=-1;H2=-1;B1=NOREG.view;B2=NOREG.view;V1=NOREG.viewDv;V2=NOREG.viewDv;';

/** The index into entry k's window of the address whose unbiased offset is in `a`; `|0` wraps far outside. */
const index = (k: number): string => `i=(a-S${k})|0;`;

/*
 * A 32-bit load may read a context pointer field (r2 = *(u32 *)(r1 + 0) in XDP): the context region
 * (tag XH, window up to XE, field kinds XK) is looked up before the generic path, since nearly every
 * packet program starts with such loads and the generic path costs a call and a region lookup. The
 * field's value is read from the packet bounds (P, whose region has the tag PH) in place, not through
 * the region's getter: two getter calls measured a fifth of a short program's whole run.
 */
export function cachedLoad(size: number, bl: string, bh: string, off: number, pc: number, dl: string, dh: string | undefined, hi?: { hit: string; ctx: string; slow: string }): string {
  // The destination is written only once the access succeeded: a fault leaves it as it was (the
  // high word of a 64-bit load is read first, into t, so that either read failing writes nothing).
  const read = (k: number): string => {
    switch (size) {
      case 2: return `${dl}=V${k}.getUint16(i,true);`;
      case 4: return `${dl}=V${k}.getInt32(i,true);`;
      default: return `t=V${k}.getInt32((i+4)|0,true);${dl}=V${k}.getInt32(i,true);${dh}=t;`;
    }
  };
  const slow = `${dl}=mem.load(${bl},b,${off},${size},${pc});${size === 8 ? `${dh}=W.hi;` : hi?.slow ?? ''}${remember}`;
  const ctx = hi !== undefined
    ? `else if(b===XH&&a>=0&&a+4<=XE&&(k=XK[a])>0){${dl}=((k===1?P.data:k===2?P.end:P.meta)+${lit(OFFSET_BIAS)})|0;${hi.ctx}}`
    : '';
  const addr = `a=((${bl}+${lit(off)})|0)^-2147483648;b=${bh};`;
  if (size === 1) {
    const byteHit = (k: number): string => `b===H${k}&&(k=B${k}[(a-S${k})|0])!==undefined){${dl}=k;${hi?.hit ?? ''}}`;
    return `${addr}if(${byteHit(1)}else if(${byteHit(2)}else{${slow}}`;
  }
  const hit = (k: number): string => `if(b===H${k}){pc=${pc};${index(k)}${read(k)}${hi?.hit ?? ''}}`;
  return `${addr}${hit(1)}else ${hit(2)}${ctx}else{${slow}}`;
}

export function cachedStore(size: number, bl: string, bh: string, off: number, pc: number, vl: string, vh: string): string {
  // A store writes nothing when it faults: a 64-bit store checks that the index is not negative
  // and then writes its high word first, whose bounds check covers the whole access.
  const write = (k: number): string => {
    switch (size) {
      case 1: return `if(b===H${k}&&W${k}){pc=${pc};${index(k)}V${k}.setUint8(i,${vl});}`;
      case 2: return `if(b===H${k}&&W${k}){pc=${pc};${index(k)}V${k}.setUint16(i,${vl},true);}`;
      case 4: return `if(b===H${k}&&W${k}){pc=${pc};${index(k)}V${k}.setInt32(i,${vl},true);}`;
      default: return `if(b===H${k}&&W${k}&&(i=(a-S${k})|0)>=0){pc=${pc};V${k}.setInt32((i+4)|0,${vh},true);V${k}.setInt32(i,${vl},true);}`;
    }
  };
  return `a=((${bl}+${lit(off)})|0)^-2147483648;b=${bh};${write(1)}else ${write(2)}` +
    `else{mem.store(${bl},b,${lit(off)},${size},${vl},${vh},${pc});${remember}}`;
}
