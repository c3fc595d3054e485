/**
 * Plain-word readings of the verifier's register notation, for hovers: `map_value_or_null(...)`
 * becomes "a pointer to a map value, or NULL", `scalar(umax=255)` "a number from 0 to 255". The
 * kernel notation is always shown beside it; this only helps a reader who does not know it yet.
 */

/** `key=value` pairs inside the parentheses of `type(k=v,k=v)`, merging `smin=umin=3` names. */
function fields(inner: string): Map<string, string> {
  const out = new Map<string, string>();
  // var_off=(0x0; 0xff) holds a comma-free pair in parentheses; split on commas outside them.
  let depth = 0;
  let cur = '';
  const parts: string[] = [];
  for (const ch of inner) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) { parts.push(cur); cur = ''; continue; }
    cur += ch;
  }
  if (cur) parts.push(cur);
  for (const p of parts) {
    const names = p.split('=');
    const value = names.pop() ?? '';
    for (const n of names) out.set(n.trim(), value.trim());
  }
  return out;
}

function rangeWords(f: Map<string, string>): string {
  const lo = f.get('umin') ?? f.get('smin');
  const hi = f.get('umax') ?? f.get('smax');
  if (lo !== undefined && hi !== undefined) return `from ${lo} to ${hi}`;
  if (hi !== undefined) return `at most ${hi}`;
  if (lo !== undefined) return `at least ${lo}`;
  if (f.has('var_off')) return `with known bits ${f.get('var_off')}`;
  return 'of unknown value';
}

/**
 * A joined state (all paths that reached an instruction) lists values of different types separated
 * by `|`, and `?` for "not initialised on some path"; each alternative is described on its own.
 */
export function describeRegister(text: string): string {
  const alts = text.split('|').map((a) => a.trim());
  if (alts.length === 1) return describeOne(alts[0]!);
  const known = alts.filter((a) => a !== '?').map(describeOne);
  const uninit = alts.includes('?') ? 'not initialised on some paths' : '';
  if (known.length === 1) return `${known[0]}, but ${uninit}`;
  return `depending on the path: ${known.join('; or ')}${uninit ? `; or ${uninit}` : ''}`;
}

function describeOne(text: string): string {
  let t = text.trim();
  if (t.startsWith('P')) t = t.slice(1);
  if (/^-?\d+$/.test(t)) return `the number ${t}`;
  const m = /^([a-z_]+?)(-?\d+)?(?:\((.*)\))?$/.exec(t);
  if (!m) return text;
  const type = m[1]!;
  const f = fields(m[3] ?? '');
  const off = f.get('off');
  const at = off && off !== '0' ? ` at offset ${off}` : '';
  switch (type) {
    case 'scalar': return f.has('imm') ? `the number ${f.get('imm')}` : `a number ${rangeWords(f)}`;
    case 'ctx': return `a pointer to the program's context${at}`;
    case 'fp': return `a pointer into the stack, ${m[2] ?? '0'} bytes from the frame pointer r10`;
    case 'map_ptr': return `a pointer to the map ${f.get('map') ?? ''}`.trimEnd();
    case 'map_value': return `a pointer into a value of map ${f.get('map') ?? '?'}${at} (value size ${f.get('vs') ?? '?'})`;
    case 'map_value_or_null': return `a pointer into a value of map ${f.get('map') ?? '?'}, or NULL: compare it with 0 before using it`;
    case 'map_key': return `a pointer to a key of map ${f.get('map') ?? '?'}`;
    case 'pkt': return `a pointer into the packet${at}; ${f.get('r') ?? '0'} bytes from it are known to be inside the packet`;
    case 'pkt_meta': return `a pointer to the packet metadata${at}`;
    case 'pkt_end': return 'the end of the packet (compare packet pointers against it)';
    case 'mem': return `a pointer to ${f.get('sz') ?? 'some'} bytes of memory`;
    case 'mem_or_null': return 'a pointer to memory, or NULL: compare it with 0 first';
    case 'sock': case 'sock_common': case 'tcp_sock': return `a pointer to a socket (${type})`;
    case 'sock_or_null': case 'sock_common_or_null': case 'tcp_sock_or_null': return 'a pointer to a socket, or NULL: compare it with 0 first';
    case 'func': return 'a pointer to a function';
    default: return `a value of type ${type}`;
  }
}
