/**
 * The DAP session: one method per request, each translating between the protocol and the runtime
 * (lines and columns in the client's base, instruction addresses as `slot * 8` in hex, memory
 * references as the VM's tagged 64-bit pointers). It holds no debugging logic of its own: the runtime
 * runs, inspect.ts and verifierScope.ts describe the state, disasm.ts lists instructions.
 */
import * as path from 'path';
import {
  LoggingDebugSession, InitializedEvent, StoppedEvent, OutputEvent, TerminatedEvent, ExitedEvent,
  Thread, StackFrame, Scope, Source, Handles, InvalidatedEvent, MemoryEvent,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { EbpfRuntime, formatValue, type StopInfo } from './runtime';
import { parseLaunchArgs, loadTarget, type Target } from './launch';
import type { Breakpoint as Bp, BpSpec } from './breakpoints';
import { registers, stackSlots, contextFields, packetRows, packetInfo, maps, describeValue, decodeAddress, type VarNode } from './inspect';
import { verifierNodes } from './verifierScope';
import { evaluate, numeric } from './expr';
import { ctxLayoutFor } from '../../core/src/data/ctx';
import { listInstructions, slotRef, refToSlot } from './disasm';

const THREAD = 1;

type Pending = { lines: Map<string, DebugProtocol.SourceBreakpoint[]>; functions: DebugProtocol.FunctionBreakpoint[]; instructions: DebugProtocol.InstructionBreakpoint[] };

export class EbpfDebugSession extends LoggingDebugSession {
  private rt: EbpfRuntime | undefined;
  private target: Target | undefined;
  private handles = new Handles<() => VarNode[]>();
  /** Setters of the variables last listed, by container reference and name. */
  private setters = new Map<string, (text: string) => string | undefined>();
  private pending: Pending = { lines: new Map(), functions: [], instructions: [] };
  private configured = false;
  private onConfigured: (() => void) | undefined;

  constructor() {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse, _args: DebugProtocol.InitializeRequestArguments): void {
    response.body = {
      ...response.body,
      supportsConfigurationDoneRequest: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsFunctionBreakpoints: true,
      supportsInstructionBreakpoints: true,
      supportsDisassembleRequest: true,
      supportsReadMemoryRequest: true,
      supportsWriteMemoryRequest: true,
      supportsStepBack: true,
      supportsRestartRequest: true,
      supportsSetVariable: true,
      supportsEvaluateForHovers: true,
      supportsExceptionInfoRequest: true,
      supportsSteppingGranularity: true,
      supportsTerminateRequest: true,
      supportsValueFormattingOptions: false,
    };
    this.sendResponse(response);
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.configured = true;
    this.onConfigured?.();
    this.sendResponse(response);
  }

  private fail(response: DebugProtocol.Response, errors: string[]): void {
    for (const e of errors) this.sendEvent(new OutputEvent(`${e}\n`, 'stderr'));
    this.sendErrorResponse(response, { id: 1001, format: errors.join('\n').replace(/[{}]/g, ''), showUser: true });
    this.sendEvent(new TerminatedEvent());
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, args: DebugProtocol.LaunchRequestArguments): Promise<void> {
    const opts = parseLaunchArgs(args);
    if ('errors' in opts) { this.fail(response, opts.errors); return; }
    const target = loadTarget(opts);
    if ('errors' in target) { this.fail(response, target.errors); return; }
    if (target.input === undefined && ['xdp', 'sched_cls', 'sched_act', 'socket_filter'].includes(target.program.progType)) {
      target.input = new Uint8Array(64);
      this.sendEvent(new OutputEvent('no "data" or "dataFile" given: the program gets a 64-byte packet of zeros\n', 'console'));
    }
    const rt = new EbpfRuntime(target);
    const err = rt.load();
    if (err !== undefined) { this.fail(response, [err]); return; }
    this.rt = rt;
    this.target = target;
    this.wire(rt);
    this.applyPending();
    this.sendEvent(new InitializedEvent());
    // Wait for the client's breakpoints (configurationDone), as every client sends them after 'initialized'.
    if (!this.configured) await new Promise<void>((resolve) => { this.onConfigured = resolve; setTimeout(resolve, 5000); });
    this.sendResponse(response);
    this.sendEvent(new OutputEvent(`debugging ${target.program.name} (${target.program.progType}) from ${target.file}\n`, 'console'));
    rt.start(opts.stopOnEntry);
  }

  private wire(rt: EbpfRuntime): void {
    rt.on('stop', (s: StopInfo) => {
      this.handles.reset();
      this.setters.clear();
      const ev = new StoppedEvent(s.reason, THREAD, s.fault?.message) as DebugProtocol.StoppedEvent;
      if (s.hitIds !== undefined) ev.body.hitBreakpointIds = s.hitIds;
      if (s.fault !== undefined) ev.body.text = s.fault.message;
      ev.body.allThreadsStopped = true;
      this.sendEvent(ev);
    });
    rt.on('output', (text: string, category: string) => this.sendEvent(new OutputEvent(text, category)));
    rt.on('end', () => {
      const m = rt.m;
      if (m.finished) this.sendEvent(new ExitedEvent(m.L[0]! >>> 0));
      this.sendEvent(new TerminatedEvent());
    });
  }

  // ---- breakpoints ------------------------------------------------------------------------------

  private applyPending(): void {
    for (const [p, bps] of this.pending.lines) this.placeLines(p, bps);
    this.placeFunctions(this.pending.functions);
    this.placeInstructions(this.pending.instructions);
  }

  private spec(b: { condition?: string; hitCondition?: string; logMessage?: string }): BpSpec {
    return {
      ...(b.condition !== undefined ? { condition: b.condition } : {}),
      ...(b.hitCondition !== undefined ? { hitCondition: b.hitCondition } : {}),
      ...(b.logMessage !== undefined ? { logMessage: b.logMessage } : {}),
    };
  }

  private toDap(b: Bp): DebugProtocol.Breakpoint {
    const out: DebugProtocol.Breakpoint = { id: b.id, verified: b.verified };
    if (b.message !== undefined) out.message = b.message;
    if (b.slot >= 0) {
      out.instructionReference = slotRef(b.slot);
      if (b.line !== undefined && this.target?.hasSource) {
        out.line = this.convertDebuggerLineToClient(b.line);
        out.source = this.source();
      }
    }
    return out;
  }

  private placeLines(p: string, bps: DebugProtocol.SourceBreakpoint[]): Bp[] {
    return this.rt!.breakpoints.setLines(p, bps.map((b) => ({ ...this.spec(b), line: this.convertClientLineToDebugger(b.line) })));
  }

  private placeFunctions(bps: DebugProtocol.FunctionBreakpoint[]): Bp[] {
    return this.rt!.breakpoints.setFunctions(bps.map((b) => ({ ...this.spec(b), name: b.name })));
  }

  private placeInstructions(bps: DebugProtocol.InstructionBreakpoint[]): Bp[] {
    return this.rt!.breakpoints.setInstructions(bps.map((b) => ({ ...this.spec(b), slot: refToSlot(b.instructionReference, b.offset ?? 0) })));
  }

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    const p = args.source.path ?? args.source.name ?? '';
    const bps = args.breakpoints ?? (args.lines ?? []).map((line) => ({ line }));
    this.pending.lines.set(p, bps);
    if (this.rt === undefined) {
      response.body = { breakpoints: bps.map((b) => ({ verified: false, line: b.line, message: 'the program is not loaded yet' })) };
    } else response.body = { breakpoints: this.placeLines(p, bps).map((b) => this.toDap(b)) };
    this.sendResponse(response);
  }

  protected override setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    this.pending.functions = args.breakpoints;
    response.body = { breakpoints: this.rt === undefined ? args.breakpoints.map(() => ({ verified: false })) : this.placeFunctions(args.breakpoints).map((b) => this.toDap(b)) };
    this.sendResponse(response);
  }

  protected override setInstructionBreakpointsRequest(response: DebugProtocol.SetInstructionBreakpointsResponse, args: DebugProtocol.SetInstructionBreakpointsArguments): void {
    this.pending.instructions = args.breakpoints;
    response.body = { breakpoints: this.rt === undefined ? args.breakpoints.map(() => ({ verified: false })) : this.placeInstructions(args.breakpoints).map((b) => this.toDap(b)) };
    this.sendResponse(response);
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse): void {
    this.sendResponse(response);
  }

  // ---- execution control --------------------------------------------------------------------------

  private withRuntime(response: DebugProtocol.Response, f: (rt: EbpfRuntime) => void | Promise<void>): void {
    const rt = this.rt;
    if (rt === undefined) { this.sendErrorResponse(response, 1002, 'no program is being debugged'); return; }
    this.sendResponse(response);
    void Promise.resolve().then(() => f(rt)).catch((e: unknown) => {
      this.sendEvent(new OutputEvent(`internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`, 'stderr'));
    });
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: [new Thread(THREAD, this.target ? `${this.target.program.name} (${this.target.program.progType})` : 'eBPF program')] };
    this.sendResponse(response);
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    response.body = { allThreadsContinued: true };
    this.withRuntime(response, (rt) => rt.continue());
  }

  // Steps go by source line unless the client asks for instructions (the disassembly view does).
  protected override nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): void {
    this.withRuntime(response, (rt) => rt.stepOver(args.granularity !== 'instruction'));
  }
  protected override stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): void {
    this.withRuntime(response, (rt) => rt.stepIn(args.granularity !== 'instruction'));
  }
  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void { this.withRuntime(response, (rt) => rt.stepOut()); }
  protected override stepBackRequest(response: DebugProtocol.StepBackResponse, args: DebugProtocol.StepBackArguments): void {
    this.withRuntime(response, (rt) => rt.stepBack(args.granularity !== 'instruction'));
  }
  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void { this.withRuntime(response, (rt) => rt.reverseContinue()); }
  protected override pauseRequest(response: DebugProtocol.PauseResponse): void { this.withRuntime(response, (rt) => rt.pause()); }

  protected override restartRequest(response: DebugProtocol.RestartResponse): void {
    const rt = this.rt;
    if (rt === undefined) { this.sendErrorResponse(response, 1002, 'no program is being debugged'); return; }
    const err = rt.restart(rt.target.options.stopOnEntry);
    if (err !== undefined) { this.sendErrorResponse(response, 1003, err); return; }
    this.sendResponse(response);
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.rt?.cancel();
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    this.rt?.cancel();
    this.rt?.removeAllListeners();
    this.sendResponse(response);
  }

  // ---- inspection -------------------------------------------------------------------------------

  private source(): Source | undefined {
    const t = this.target;
    if (t === undefined || !t.hasSource) return undefined;
    return new Source(path.basename(t.file), this.convertDebuggerPathToClient(t.file));
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse): void {
    const rt = this.rt;
    if (rt === undefined) { response.body = { stackFrames: [], totalFrames: 0 }; this.sendResponse(response); return; }
    const frames = rt.stack().map((f) => {
      const range = this.target!.program.lines[f.slot];
      const src = range !== undefined ? this.source() : undefined;
      const sf = new StackFrame(f.index, `${f.func} @${f.slot}`, src, src ? this.convertDebuggerLineToClient(range!.line) : 0, src ? this.convertDebuggerColumnToClient(range!.column) : 0) as DebugProtocol.StackFrame;
      sf.instructionPointerReference = slotRef(f.slot);
      if (!src) sf.presentationHint = 'subtle';
      return sf;
    });
    response.body = { stackFrames: frames, totalFrames: frames.length };
    this.sendResponse(response);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    const rt = this.rt;
    if (rt === undefined) { response.body = { scopes: [] }; this.sendResponse(response); return; }
    const f = args.frameId;
    const scopes: DebugProtocol.Scope[] = [
      new Scope('Registers', this.handles.create(() => registers(rt, f)), false),
      new Scope(f === 0 ? 'Stack' : `Stack of frame ${f}`, this.handles.create(() => stackSlots(rt, f)), false),
    ];
    if (f === 0) {
      const layout = ctxLayoutFor(rt.m.progType);
      if (rt.m.ctxRegion?.kind === 'ctx' && layout !== undefined) scopes.push(new Scope(`Context (${layout.name})`, this.handles.create(() => contextFields(rt)), false));
      const pi = packetInfo(rt);
      if (rt.m.packet !== undefined) scopes.push(new Scope(`Packet (${pi.length} bytes)`, this.handles.create(() => packetRows(rt)), false));
      if (rt.m.maps.length > 0) scopes.push(new Scope('Maps', this.handles.create(() => maps(rt)), false));
      scopes.push(new Scope('Verifier state', this.handles.create(() => verifierNodes(rt)), true));
    }
    response.body = { scopes };
    this.sendResponse(response);
  }

  private toVariable(container: number, n: VarNode): DebugProtocol.Variable {
    const v: DebugProtocol.Variable = { name: n.name, value: n.value, variablesReference: n.children ? this.handles.create(n.children) : 0 };
    if (n.type !== undefined) v.type = n.type;
    if (n.memoryReference !== undefined) v.memoryReference = n.memoryReference;
    if (n.evaluateName !== undefined) v.evaluateName = n.evaluateName;
    if (n.set !== undefined) this.setters.set(`${container}/${n.name}`, n.set);
    else v.presentationHint = { attributes: ['readOnly'] };
    return v;
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    const get = this.handles.get(args.variablesReference);
    const nodes = get ? get() : [];
    response.body = { variables: nodes.map((n) => this.toVariable(args.variablesReference, n)) };
    this.sendResponse(response);
  }

  protected override setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): void {
    const set = this.setters.get(`${args.variablesReference}/${args.name}`)
      ?? this.handles.get(args.variablesReference)?.().find((n) => n.name === args.name)?.set;
    if (set === undefined) { this.sendErrorResponse(response, 1004, `${args.name} cannot be changed`); return; }
    const err = set(args.value);
    if (err !== undefined) { this.sendErrorResponse(response, 1005, err.replace(/[{}]/g, '')); return; }
    const again = this.handles.get(args.variablesReference)?.().find((n) => n.name === args.name);
    response.body = { value: again?.value ?? args.value };
    this.sendResponse(response);
    this.sendEvent(new InvalidatedEvent(['variables']));
  }

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    const rt = this.rt;
    if (rt === undefined) { this.sendErrorResponse(response, 1002, 'no program is being debugged'); return; }
    const text = args.expression.trim();
    const map = maps(rt).find((n) => n.name === text);
    if (map !== undefined) {
      response.body = { result: map.value, variablesReference: this.handles.create(map.children!) };
      this.sendResponse(response);
      return;
    }
    const v = evaluate(text, rt.env());
    if ('error' in v) { this.sendErrorResponse(response, 1006, v.error.replace(/[{}]/g, '')); return; }
    let result = formatValue(v);
    let memoryReference: string | undefined;
    if (v.bytes === undefined && v.size === 8 && !v.signed) {
      const d = describeValue(rt.m, BigInt.asUintN(64, numeric(v)));
      if (d.pointer) { result = d.text; memoryReference = `0x${v.bits.toString(16)}`; }
    }
    response.body = { result, variablesReference: 0, ...(memoryReference ? { memoryReference } : {}) };
    this.sendResponse(response);
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    const f = this.rt?.lastStop?.fault;
    if (f === undefined) { this.sendErrorResponse(response, 1007, 'the program is not stopped on a fault'); return; }
    const range = this.target!.program.lines[f.slot];
    const where = range !== undefined ? ` (${path.basename(this.target!.file)}:${range.line})` : '';
    response.body = {
      exceptionId: f.kind, description: f.message, breakMode: 'always',
      details: { message: `${f.message}${where}`, typeName: f.kind, stackTrace: this.rt!.stack().map((s) => `  at ${s.func} @${s.slot}`).join('\n') },
    };
    this.sendResponse(response);
  }

  // ---- instructions and memory ----------------------------------------------------------------------

  protected override disassembleRequest(response: DebugProtocol.DisassembleResponse, args: DebugProtocol.DisassembleArguments): void {
    const t = this.target;
    if (t === undefined) { this.sendErrorResponse(response, 1002, 'no program is being debugged'); return; }
    const src = this.source();
    const out = listInstructions(t.program, refToSlot(args.memoryReference, args.offset ?? 0), args.instructionOffset ?? 0, args.instructionCount).map((i) => {
      if (i.slot === undefined) return { address: i.address, instruction: '', presentationHint: 'invalid' } as DebugProtocol.DisassembledInstruction;
      const d: DebugProtocol.DisassembledInstruction = { address: i.address, instructionBytes: i.bytes!, instruction: i.text };
      if (i.label !== undefined) d.symbol = i.label;
      if (i.line !== undefined && src !== undefined) { d.location = src; d.line = this.convertDebuggerLineToClient(i.line); }
      return d;
    });
    response.body = { instructions: out };
    this.sendResponse(response);
  }

  protected override readMemoryRequest(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): void {
    const rt = this.rt;
    let addr: bigint;
    try { addr = BigInt(args.memoryReference) + BigInt(args.offset ?? 0); } catch { this.sendErrorResponse(response, 1008, `bad memory reference ${args.memoryReference}`); return; }
    const at = rt ? decodeAddress(rt.m, addr) : undefined;
    if (at === undefined) { response.body = { address: `0x${addr.toString(16)}`, unreadableBytes: args.count }; this.sendResponse(response); return; }
    const { region, offset } = at;
    const from = Math.max(offset, region.start), to = Math.min(offset + args.count, region.end);
    if (from !== offset || to <= from) {
      // The start is outside the valid window: report the unreadable prefix.
      response.body = { address: `0x${addr.toString(16)}`, unreadableBytes: to <= from ? args.count : from - offset };
    } else {
      response.body = { address: `0x${addr.toString(16)}`, data: Buffer.from(region.bytes.subarray(from, to)).toString('base64'), unreadableBytes: args.count - (to - from) };
    }
    this.sendResponse(response);
  }

  protected override writeMemoryRequest(response: DebugProtocol.WriteMemoryResponse, args: DebugProtocol.WriteMemoryArguments): void {
    const rt = this.rt;
    if (rt === undefined) { this.sendErrorResponse(response, 1002, 'no program is being debugged'); return; }
    let addr: bigint;
    try { addr = BigInt(args.memoryReference) + BigInt(args.offset ?? 0); } catch { this.sendErrorResponse(response, 1008, `bad memory reference ${args.memoryReference}`); return; }
    const data = new Uint8Array(Buffer.from(args.data, 'base64'));
    const err = rt.write(addr, data);
    if (err !== undefined) { this.sendErrorResponse(response, 1009, err.replace(/[{}]/g, '')); return; }
    response.body = { bytesWritten: data.length };
    this.sendResponse(response);
    this.sendEvent(new MemoryEvent(args.memoryReference, args.offset ?? 0, data.length));
    this.sendEvent(new InvalidatedEvent(['variables']));
  }
}
