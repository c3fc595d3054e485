#!/usr/bin/env python3
"""Kernel oracle for the differential tests: loads raw eBPF instructions through bpf(2) and runs them
with BPF_PROG_TEST_RUN, without ELF or libbpf. It reads one JSON request per line on stdin and writes
one JSON result per line on stdout, so a test can send hundreds of programs to one process.

Request: {"insns": HEX, "progType": int, "expectedAttachType": int, "maps": [{"type": int, "keySize": int,
  "valueSize": int, "maxEntries": int, "flags": int, "name": str, "init": [[KEYHEX, VALUEHEX], ...]}],
  "mapRefs": [[slot, mapIndex], ...], "logLevel": int, "logSize": int, "license": str,
  "run": bool, "dataIn": HEX, "ctxIn": HEX, "repeat": int, "dataSizeOut": int, "dumpMaps": bool,
  "btfFuncs": [{"slot": int, "name": str, "linkage": "static"|"global", "params": int}, ...]}
Result: {"loaded": bool, "errno": int, "log": str, "retval": int, "runErrno": int, "dataOut": HEX,
  "ctxOut": HEX, "durationNs": int, "maps": [[[KEYHEX, VALUEHEX], ...], ...]}
A map reference patches the ld_imm64 at `slot` to BPF_PSEUDO_MAP_FD with the new map's fd, as libbpf does.
`btfFuncs` (optional) describes the program's functions: a minimal BTF blob is loaded with one FUNC per
record (returning int, taking `params` int arguments) and passed with one func_info record per entry,
which the kernel needs before a program may take a subprogram's address (bpf_loop callbacks).
"""
import ctypes, json, os, struct, sys

SYS_BPF = 321  # x86_64
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long

BPF_MAP_CREATE, BPF_MAP_LOOKUP_ELEM, BPF_MAP_UPDATE_ELEM, BPF_MAP_GET_NEXT_KEY = 0, 1, 2, 4
BPF_PROG_LOAD, BPF_PROG_TEST_RUN, BPF_BTF_LOAD = 5, 10, 18
ATTR_SIZE = 160


def bpf(cmd, attr):
    buf = ctypes.create_string_buffer(bytes(attr), ATTR_SIZE)
    r = libc.syscall(SYS_BPF, cmd, buf, ATTR_SIZE)
    err = ctypes.get_errno() if r < 0 else 0
    return r, err, buf.raw


def attr_with(fields):
    a = bytearray(ATTR_SIZE)
    for off, fmt, val in fields:
        struct.pack_into(fmt, a, off, val)
    return a


def ptr(b):
    return ctypes.addressof(b)


def create_map(m):
    name = m.get("name", "")[:15].encode()
    a = attr_with([(0, "I", m["type"]), (4, "I", m["keySize"]), (8, "I", m["valueSize"]),
                   (12, "I", m["maxEntries"]), (16, "I", m.get("flags", 0)), (20, "I", m.get("innerFd", 0))])
    a[28:28 + len(name)] = name
    fd, err, _ = bpf(BPF_MAP_CREATE, a)
    if fd < 0:
        raise OSError(err, "map create failed: " + os.strerror(err))
    for k, v in m.get("init", []):
        kb, vb = ctypes.create_string_buffer(bytes.fromhex(k)), ctypes.create_string_buffer(bytes.fromhex(v))
        r, err, _ = bpf(BPF_MAP_UPDATE_ELEM, attr_with([(0, "I", fd), (8, "Q", ptr(kb)), (16, "Q", ptr(vb)), (24, "Q", 0)]))
        if r < 0:
            raise OSError(err, "map update failed: " + os.strerror(err))
    return fd


def dump_map(fd, m):
    out, key = [], None
    ks, vs = m["keySize"], m["valueSize"]
    if ks == 0:
        return out
    kbuf, nbuf, vbuf = (ctypes.create_string_buffer(ks), ctypes.create_string_buffer(ks),
                        ctypes.create_string_buffer(max(vs, 1) * (os.cpu_count() or 1) * 8))
    for _ in range(100000):
        r, _, _ = bpf(BPF_MAP_GET_NEXT_KEY, attr_with([(0, "I", fd), (8, "Q", 0 if key is None else ptr(kbuf)), (16, "Q", ptr(nbuf))]))
        if r < 0:
            break
        ctypes.memmove(kbuf, nbuf, ks)
        key = kbuf.raw[:ks]
        r, _, _ = bpf(BPF_MAP_LOOKUP_ELEM, attr_with([(0, "I", fd), (8, "Q", ptr(kbuf)), (16, "Q", ptr(vbuf))]))
        out.append([key.hex(), vbuf.raw[:vs].hex() if r >= 0 else None])
    return out


BTF_KIND_INT, BTF_KIND_FUNC, BTF_KIND_FUNC_PROTO = 1, 12, 13
LINKAGE = {"static": 0, "global": 1, "extern": 2}


def btf_blob(funcs):
    """A BTF blob: type 1 is `int`, then one FUNC_PROTO per distinct parameter count, then one FUNC per
    function (in the order given, so the FUNC of funcs[i] has the returned type id ids[i])."""
    strings = bytearray(b"\0")

    def name(text):
        off = len(strings)
        strings.extend(text.encode() + b"\0")
        return off

    types = bytearray()
    types += struct.pack("<III", name("int"), BTF_KIND_INT << 24, 4) + struct.pack("<I", (1 << 24) | 32)
    next_id, protos = 2, {}
    for f in funcs:
        n = f.get("params", 0)
        if n in protos:
            continue
        types += struct.pack("<III", 0, (BTF_KIND_FUNC_PROTO << 24) | n, 1)
        for i in range(n):
            types += struct.pack("<II", name("a%d" % i), 1)
        protos[n] = next_id
        next_id += 1
    ids = []
    for f in funcs:
        types += struct.pack("<III", name(f["name"]), (BTF_KIND_FUNC << 24) | LINKAGE[f.get("linkage", "static")],
                             protos[f.get("params", 0)])
        ids.append(next_id)
        next_id += 1
    header = struct.pack("<HBBIIIII", 0xEB9F, 1, 0, 24, 0, len(types), len(types), len(strings))
    return header + bytes(types) + bytes(strings), ids


def load_btf(blob):
    buf = ctypes.create_string_buffer(blob, len(blob))
    lbuf = ctypes.create_string_buffer(1 << 16)
    fd, err, _ = bpf(BPF_BTF_LOAD, attr_with([(0, "Q", ptr(buf)), (8, "Q", ptr(lbuf)), (16, "I", len(blob)),
                                              (20, "I", 1 << 16), (24, "I", 1)]))
    if fd < 0:
        raise OSError(err, "BTF load failed: " + os.strerror(err) + ": " + lbuf.value.decode("utf-8", "replace"))
    return fd


def handle(req):
    res = {"loaded": False, "errno": 0, "log": ""}
    fds = []
    try:
        maps = req.get("maps", [])
        for m in maps:
            fds.append(create_map(m))
        insns = bytearray(bytes.fromhex(req["insns"]))
        for slot, idx in req.get("mapRefs", []):
            o = slot * 8
            insns[o + 1] = (insns[o + 1] & 0x0F) | (1 << 4)
            struct.pack_into("<i", insns, o + 4, fds[idx])
        ibuf = ctypes.create_string_buffer(bytes(insns), len(insns))
        lic = ctypes.create_string_buffer(req.get("license", "GPL").encode())
        log_size = req.get("logSize", 1 << 20)
        log_level = req.get("logLevel", 1)
        lbuf = ctypes.create_string_buffer(log_size)
        a = attr_with([(0, "I", req["progType"]), (4, "I", len(insns) // 8), (8, "Q", ptr(ibuf)),
                       (16, "Q", ptr(lic)), (24, "I", log_level), (28, "I", log_size if log_level else 0),
                       (32, "Q", ptr(lbuf) if log_level else 0), (68, "I", req.get("expectedAttachType", 0))])
        a[48:48 + 4] = b"test"
        funcs = req.get("btfFuncs")
        if funcs is not None:
            blob, ids = btf_blob_any(funcs)
            bfd = load_btf(blob)
            fds.append(bfd)
            recs = b"".join(struct.pack("<II", f["slot"], t) for f, t in zip(funcs, ids))
            fbuf = ctypes.create_string_buffer(recs, max(len(recs), 1))
            for off, fmt, val in [(72, "I", bfd), (76, "I", 8), (80, "Q", ptr(fbuf)), (88, "I", len(funcs))]:
                struct.pack_into(fmt, a, off, val)
        pfd, err, _ = bpf(BPF_PROG_LOAD, a)
        res["log"] = lbuf.value.decode("utf-8", "replace")
        if pfd < 0:
            res["errno"] = err
            return res
        fds.append(pfd)
        res["loaded"] = True
        if req.get("run"):
            din = bytes.fromhex(req.get("dataIn", ""))
            dbuf = ctypes.create_string_buffer(din, max(len(din), 1))
            osz = req.get("dataSizeOut", len(din) + 512 if din else 0)
            obuf = ctypes.create_string_buffer(max(osz, 1))
            cin = bytes.fromhex(req.get("ctxIn", ""))
            cbuf = ctypes.create_string_buffer(cin, max(len(cin), 1))
            cout = ctypes.create_string_buffer(max(len(cin), 1))
            t = attr_with([(0, "I", pfd), (8, "I", len(din)), (12, "I", osz if din else 0),
                           (16, "Q", ptr(dbuf) if din else 0), (24, "Q", ptr(obuf) if din else 0),
                           (32, "I", req.get("repeat", 1)), (40, "I", len(cin)), (44, "I", len(cin)),
                           (48, "Q", ptr(cbuf) if cin else 0), (56, "Q", ptr(cout) if cin else 0)])
            r, err, raw = bpf(BPF_PROG_TEST_RUN, t)
            res["runErrno"] = err if r < 0 else 0
            retval, = struct.unpack_from("<I", raw, 4)
            out_size, = struct.unpack_from("<I", raw, 12)
            dur, = struct.unpack_from("<I", raw, 36)
            res["retval"] = retval
            res["dataOut"] = obuf.raw[:min(out_size, osz)].hex() if din else ""
            res["ctxOut"] = cout.raw[:len(cin)].hex() if cin else ""
            res["durationNs"] = dur
        if req.get("dumpMaps"):
            res["maps"] = [dump_map(fd, m) for fd, m in zip(fds, maps)]
    except OSError as e:
        res["error"] = str(e)
        res["errno"] = e.errno or 0
    finally:
        for fd in fds:
            os.close(fd)
    return res


# Typed prototypes: a btfFuncs entry may carry "types": {"ret": T, "params": [T, ...]}, where a type T is
# "void", "int", "long", "char", "enum", {"ptr": T}, {"struct": NAME, "size": N} or {"func": true} (a
# FUNC_PROTO without parameters, to point at). Parameters get names a0, a1, ...; equal types share an id.
BTF_KIND_PTR, BTF_KIND_STRUCT, BTF_KIND_ENUM = 2, 4, 6


def btf_blob_any(funcs):
    """btf_blob, or btf_blob_typed when some function has a typed prototype."""
    if any("types" in f for f in funcs):
        return btf_blob_typed(funcs)
    return btf_blob(funcs)


def btf_blob_typed(funcs):
    """A BTF blob with one FUNC per function, in the order given; functions without "types" get
    `int (int, ...)` with "params" int arguments, as in btf_blob."""
    strings = bytearray(b"\0")
    names = {}

    def name(text):
        if text not in names:
            names[text] = len(strings)
            strings.extend(text.encode() + b"\0")
        return names[text]

    types = []
    memo = {}

    def add(record):
        types.append(record)
        return len(types)

    def type_id(t):
        key = json.dumps(t, sort_keys=True)
        if key in memo:
            return memo[key]
        if t == "void":
            return 0
        if t in ("int", "long", "char"):
            size = {"int": 4, "long": 8, "char": 1}[t]
            enc = 0 if t == "char" else 1
            tid = add(struct.pack("<III", name(t), BTF_KIND_INT << 24, size) + struct.pack("<I", (enc << 24) | (size * 8)))
        elif t == "enum":
            tid = add(struct.pack("<III", name("e"), (BTF_KIND_ENUM << 24) | 1, 4) + struct.pack("<Ii", name("E0"), 0))
        elif "ptr" in t:
            inner = type_id(t["ptr"])
            tid = add(struct.pack("<III", 0, BTF_KIND_PTR << 24, inner))
        elif "struct" in t:
            tid = add(struct.pack("<III", name(t["struct"]), BTF_KIND_STRUCT << 24, t["size"]))
        elif "func" in t:
            tid = add(struct.pack("<III", 0, BTF_KIND_FUNC_PROTO << 24, type_id("int")))
        else:
            raise ValueError("unknown BTF type %r" % (t,))
        memo[key] = tid
        return tid

    ids = []
    for f in funcs:
        proto = f.get("types") or {"ret": "int", "params": ["int"] * f.get("params", 0)}
        ret = type_id(proto.get("ret", "int"))
        params = [type_id(p) for p in proto.get("params", [])]
        rec = struct.pack("<III", 0, (BTF_KIND_FUNC_PROTO << 24) | len(params), ret)
        for i, p in enumerate(params):
            rec += struct.pack("<II", name("a%d" % i), p)
        pid = add(rec)
        ids.append(add(struct.pack("<III", name(f["name"]), (BTF_KIND_FUNC << 24) | LINKAGE[f.get("linkage", "static")], pid)))
    body = b"".join(types)
    header = struct.pack("<HBBIIIII", 0xEB9F, 1, 0, 24, 0, len(body), len(body), len(strings))
    return header + body + bytes(strings), ids


def main():
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            out = handle(json.loads(line))
        except Exception as e:  # a malformed request must not stop the batch
            out = {"loaded": False, "errno": 0, "log": "", "error": "bad request: %s" % e}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
