/**
 * `createSel4`: the `Sel4` interface of one thread on top of its {@link Sel4ThreadPort}. The
 * system calls copy message registers between the IPC buffer and the machine registers as
 * libsel4's inline wrappers do; every invocation is marshalled from the invocation table as
 * libsel4's generated stubs do it.
 */
import { checkBool, checkUint, checkWord } from "./check.js";
import { Sel4ArgumentError, seL4_NoError } from "./errors.js";
import { type MessageLayout, messageLayout, type ParamPlacement } from "./invocations/layout.js";
import { type InvocationDesc, invocationLabel, invocationTable } from "./invocations/table.js";
import {
  seL4_IPCBuffer_caps_or_badges,
  seL4_IPCBuffer_msg,
  seL4_IPCBuffer_receiveCNode,
  seL4_IPCBuffer_receiveDepth,
  seL4_IPCBuffer_receiveIndex,
  seL4_IPCBuffer_userData,
} from "./ipc-buffer.js";
import { SEL4_MAPPING_LOOKUP_LEVEL } from "./mapping.js";
import {
  messageInfoFromWordRaw,
  seL4_FastMessageRegisters,
  seL4_MessageInfo_new,
  type seL4_MessageInfo_t,
  seL4_MsgMaxExtraCaps,
  seL4_MsgMaxLength,
  wordFromMessageInfo,
} from "./message-info.js";
import type { Sel4ThreadPort } from "./port.js";
import { type seL4_CapRights_t, wordFromRights } from "./rights.js";
import type { Sel4_AArch64, Sel4_X86_64, Sel4SystemCalls } from "./sel4.js";
import {
  seL4_SysCall,
  seL4_SysDebugCapIdentify,
  seL4_SysDebugPutChar,
  seL4_SysNBRecv,
  seL4_SysNBSend,
  seL4_SysRecv,
  seL4_SysReply,
  seL4_SysReplyRecv,
  seL4_SysSend,
  seL4_SysVMEnter,
  seL4_SysYield,
} from "./syscalls.js";
import type { Sel4Config } from "./types.js";

/**
 * Creates the system-call interface of the thread behind `port`: `Sel4_AArch64` or `Sel4_X86_64`
 * according to `port.config` (test `sel4.config` to narrow). The object keeps no state of its own:
 * message registers, caps and the receive path live in the thread's IPC buffer, as in libsel4.
 */
export function createSel4(port: Sel4ThreadPort): Sel4_AArch64 | Sel4_X86_64 {
  const config = port.config;
  const sel4: Record<string, unknown> = { ...systemCalls(port) };
  for (const desc of invocationTable) {
    const label = invocationLabel(config, desc);
    if (label === null) continue;
    const stub = compile(desc, messageLayout(config, desc), label);
    sel4[desc.name] = (...args: unknown[]) => invoke(port, stub, args);
  }
  if (config === "x86_64") sel4.seL4_VMEnter = () => vmEnter(port);
  return sel4 as unknown as Sel4_AArch64 | Sel4_X86_64;
}

function systemCalls(port: Sel4ThreadPort): Sel4SystemCalls<Sel4Config> {
  const msgIndex = (what: string, i: number) => checkIndex(what, i, seL4_MsgMaxLength);
  const capIndex = (what: string, i: number) => checkIndex(what, i, seL4_MsgMaxExtraCaps);
  const getMR = (i: number) =>
    port.readIPCBufferWord(seL4_IPCBuffer_msg + msgIndex("seL4_GetMR.i", i));

  // libsel4 passes MR0..MR3 in machine registers and keeps the rest in the IPC buffer: load the
  // registers from msg[0..3] before entering the kernel, and store them back after.
  const loadRegisters = () => {
    for (let i = 0; i < seL4_FastMessageRegisters; i++) {
      port.setMR(i, port.readIPCBufferWord(seL4_IPCBuffer_msg + i));
    }
  };
  const storeRegisters = () => {
    for (let i = 0; i < seL4_FastMessageRegisters; i++) {
      port.writeIPCBufferWord(seL4_IPCBuffer_msg + i, port.getMR(i));
    }
  };
  const tag = (what: string, info: seL4_MessageInfo_t) =>
    wordFromMessageInfo(checkInfo(what, info));
  const dest = (what: string, cptr: number) => checkUint(what, cptr, 64);

  return {
    get config() {
      return port.config;
    },
    async seL4_Send(d, msgInfo) {
      const info = tag("seL4_Send.msgInfo", msgInfo);
      loadRegisters();
      await port.syscallBlocking(seL4_SysSend, dest("seL4_Send.dest", d), info);
    },
    seL4_NBSend(d, msgInfo) {
      const info = tag("seL4_NBSend.msgInfo", msgInfo);
      loadRegisters();
      port.syscall(seL4_SysNBSend, dest("seL4_NBSend.dest", d), info);
    },
    async seL4_Call(d, msgInfo) {
      const info = tag("seL4_Call.msgInfo", msgInfo);
      loadRegisters();
      const result = await port.syscallBlocking(seL4_SysCall, dest("seL4_Call.dest", d), info);
      storeRegisters();
      return messageInfoFromWordRaw(result.info);
    },
    seL4_Reply(msgInfo) {
      const info = tag("seL4_Reply.msgInfo", msgInfo);
      loadRegisters();
      port.syscall(seL4_SysReply, 0, info);
    },
    async seL4_Recv(src) {
      const result = await port.syscallBlocking(seL4_SysRecv, dest("seL4_Recv.src", src), 0n);
      storeRegisters();
      return { info: messageInfoFromWordRaw(result.info), sender: result.badge };
    },
    seL4_NBRecv(src) {
      const result = port.syscall(seL4_SysNBRecv, dest("seL4_NBRecv.src", src), 0n);
      storeRegisters();
      return { info: messageInfoFromWordRaw(result.info), sender: result.badge };
    },
    async seL4_ReplyRecv(src, msgInfo) {
      const info = tag("seL4_ReplyRecv.msgInfo", msgInfo);
      loadRegisters();
      const result = await port.syscallBlocking(
        seL4_SysReplyRecv,
        dest("seL4_ReplyRecv.src", src),
        info,
      );
      storeRegisters();
      return { info: messageInfoFromWordRaw(result.info), sender: result.badge };
    },
    async seL4_Yield() {
      await port.syscallBlocking(seL4_SysYield, 0, 0n);
    },
    seL4_Signal(d) {
      port.syscall(seL4_SysSend, dest("seL4_Signal.dest", d), 0n);
    },
    async seL4_Wait(src) {
      const result = await port.syscallBlocking(seL4_SysRecv, dest("seL4_Wait.src", src), 0n);
      storeRegisters();
      return { sender: result.badge };
    },
    seL4_Poll(src) {
      const result = port.syscall(seL4_SysNBRecv, dest("seL4_Poll.src", src), 0n);
      storeRegisters();
      return { info: messageInfoFromWordRaw(result.info), sender: result.badge };
    },
    seL4_DebugPutChar(c) {
      port.syscall(seL4_SysDebugPutChar, checkUint("seL4_DebugPutChar.c", c, 8), 0n);
    },
    seL4_DebugCapIdentify(cap) {
      const result = port.syscall(
        seL4_SysDebugCapIdentify,
        dest("seL4_DebugCapIdentify.cap", cap),
        0n,
      );
      return Number(BigInt.asUintN(32, result.badge));
    },
    seL4_GetMR: getMR,
    seL4_SetMR(i, mr) {
      port.writeIPCBufferWord(
        seL4_IPCBuffer_msg + msgIndex("seL4_SetMR.i", i),
        checkWord("seL4_SetMR.mr", mr),
      );
    },
    seL4_GetUserData() {
      return port.readIPCBufferWord(seL4_IPCBuffer_userData);
    },
    seL4_SetUserData(data) {
      port.writeIPCBufferWord(seL4_IPCBuffer_userData, checkWord("seL4_SetUserData.data", data));
    },
    seL4_GetBadge(i) {
      return port.readIPCBufferWord(seL4_IPCBuffer_caps_or_badges + capIndex("seL4_GetBadge.i", i));
    },
    seL4_GetCap(i) {
      const word = port.readIPCBufferWord(
        seL4_IPCBuffer_caps_or_badges + capIndex("seL4_GetCap.i", i),
      );
      return wordToNumber("seL4_GetCap (buffer word)", word);
    },
    seL4_SetCap(i, cptr) {
      port.writeIPCBufferWord(
        seL4_IPCBuffer_caps_or_badges + capIndex("seL4_SetCap.i", i),
        BigInt(dest("seL4_SetCap.cptr", cptr)),
      );
    },
    seL4_GetCapReceivePath() {
      return {
        receiveCNode: wordToNumber(
          "seL4_GetCapReceivePath.receiveCNode (buffer word)",
          port.readIPCBufferWord(seL4_IPCBuffer_receiveCNode),
        ),
        receiveIndex: wordToNumber(
          "seL4_GetCapReceivePath.receiveIndex (buffer word)",
          port.readIPCBufferWord(seL4_IPCBuffer_receiveIndex),
        ),
        receiveDepth: port.readIPCBufferWord(seL4_IPCBuffer_receiveDepth),
      };
    },
    seL4_SetCapReceivePath(receiveCNode, receiveIndex, receiveDepth) {
      const cnode = BigInt(dest("seL4_SetCapReceivePath.receiveCNode", receiveCNode));
      const index = BigInt(dest("seL4_SetCapReceivePath.receiveIndex", receiveIndex));
      const depth = checkWord("seL4_SetCapReceivePath.receiveDepth", receiveDepth);
      port.writeIPCBufferWord(seL4_IPCBuffer_receiveCNode, cnode);
      port.writeIPCBufferWord(seL4_IPCBuffer_receiveIndex, index);
      port.writeIPCBufferWord(seL4_IPCBuffer_receiveDepth, depth);
    },
    seL4_MappingFailedLookupLevel() {
      return getMR(SEL4_MAPPING_LOOKUP_LEVEL);
    },
  };
}

async function vmEnter(port: Sel4ThreadPort): Promise<{ result: bigint; sender: bigint }> {
  for (let i = 0; i < seL4_FastMessageRegisters; i++) {
    port.setMR(i, port.readIPCBufferWord(seL4_IPCBuffer_msg + i));
  }
  const reply = await port.syscallBlocking(seL4_SysVMEnter, 0, 0n);
  for (let i = 0; i < seL4_FastMessageRegisters; i++) {
    port.writeIPCBufferWord(seL4_IPCBuffer_msg + i, port.getMR(i));
  }
  // libsel4 reports the badge only for a notification result (0).
  return { result: reply.info, sender: reply.info === 0n ? reply.badge : 0n };
}

/** One invocation prepared for a configuration: its layout, label word and parameter names. */
interface CompiledStub {
  readonly desc: InvocationDesc;
  readonly layout: MessageLayout;
  /** The message-info word (label, extra caps, length) every call of this stub sends. */
  readonly info: bigint;
  /** `seL4_X_Y.param` for each input, for error messages. */
  readonly paramNames: readonly string[];
  /** `seL4_X_Y.result` for each output. */
  readonly resultNames: readonly string[];
  /** Registers to load: at least the four machine registers, or the whole message. */
  readonly registerCount: number;
}

function compile(desc: InvocationDesc, layout: MessageLayout, label: number): CompiledStub {
  const info = seL4_MessageInfo_new(label, 0, layout.extraCaps, layout.length);
  return {
    desc,
    layout,
    info: wordFromMessageInfo(info),
    paramNames: layout.params.map((p) => `${desc.name}.${p.param.name}`),
    resultNames: layout.results.map((p) => `${desc.name}.${p.param.name}`),
    registerCount: Math.max(seL4_FastMessageRegisters, layout.length),
  };
}

/** Marshals one invocation, enters the kernel with seL4_Call, and unmarshals the reply. */
function invoke(port: Sel4ThreadPort, stub: CompiledStub, args: readonly unknown[]): unknown {
  const { desc, layout } = stub;
  if (args.length !== desc.params.length + 1) {
    throw new Sel4ArgumentError(desc.name, args.length, `${desc.params.length + 1} arguments`);
  }
  const service = checkUint(`${desc.name}._service`, args[0], 64);
  // Check and encode everything before touching the thread, so a bad argument changes nothing.
  const words: bigint[] = new Array(stub.registerCount).fill(0n);
  const caps: number[] = [];
  layout.params.forEach((placement, i) => {
    const what = stub.paramNames[i]!;
    if ("extraCap" in placement) caps.push(checkUint(what, args[i + 1], 64));
    else encodeParam(what, placement, args[i + 1], words);
  });
  caps.forEach((cptr, i) => {
    port.writeIPCBufferWord(seL4_IPCBuffer_caps_or_badges + i, BigInt(cptr));
  });
  // As seL4_CallWithMRs: MR registers beyond the message length are passed as 0.
  for (let i = 0; i < stub.registerCount; i++) port.setMR(i, words[i]!);
  const reply = port.syscall(seL4_SysCall, service, stub.info);
  const error = messageInfoFromWordRaw(reply.info).label;
  if (error !== seL4_NoError) keepErrorDetails(port);
  if (desc.results.length === 0) return error;
  const result: Record<string, unknown> = { error };
  layout.results.forEach((placement, i) => {
    result[placement.param.name] =
      error === seL4_NoError
        ? decodeResult(stub.resultNames[i]!, placement, port)
        : zeroResult(placement);
  });
  return result;
}

/** After an error, libsel4 copies MR0..MR3 into the buffer so that seL4_GetMR sees the details. */
function keepErrorDetails(port: Sel4ThreadPort): void {
  for (let i = 0; i < seL4_FastMessageRegisters; i++) {
    port.writeIPCBufferWord(seL4_IPCBuffer_msg + i, port.getMR(i));
  }
}

function encodeParam(
  what: string,
  placement: ParamPlacement,
  value: unknown,
  words: bigint[],
): void {
  if ("extraCap" in placement) return;
  const { mr, shift } = placement;
  if (placement.fields) {
    if (typeof value !== "object" || value === null) {
      throw new Sel4ArgumentError(
        what,
        value,
        `a struct with fields ${placement.fields.join(", ")}`,
      );
    }
    const struct = value as Record<string, unknown>;
    placement.fields.forEach((field, i) => {
      words[mr + i] = checkWord(`${what}.${field}`, struct[field]);
    });
    return;
  }
  let encoded: bigint;
  switch (placement.param.kind) {
    case "bool":
      encoded = checkBool(what, value) ? 1n : 0n;
      break;
    case "u8":
    case "u16":
    case "u32":
    case "wnum":
      encoded = BigInt(checkUint(what, value, placement.bits));
      break;
    case "rights":
      encoded = wordFromRights(checkRights(what, value));
      break;
    default:
      encoded = checkWord(what, value);
  }
  words[mr] = (words[mr] ?? 0n) | (encoded << BigInt(shift));
}

function decodeResult(what: string, placement: ParamPlacement, port: Sel4ThreadPort): unknown {
  if ("extraCap" in placement) return undefined;
  const { mr, shift, bits } = placement;
  if (placement.fields) {
    const struct: Record<string, bigint> = {};
    placement.fields.forEach((field, i) => {
      struct[field] = port.getMR(mr + i);
    });
    return struct;
  }
  const word = BigInt.asUintN(64, port.getMR(mr));
  switch (placement.param.kind) {
    case "u8":
    case "u16":
    case "u32":
      return Number((word >> BigInt(shift)) & ((1n << BigInt(bits)) - 1n));
    case "wnum":
      return wordToNumber(`${what} (reply word)`, word);
    default:
      return word;
  }
}

function zeroResult(placement: ParamPlacement): unknown {
  if ("extraCap" in placement) return undefined;
  if (placement.fields) return Object.fromEntries(placement.fields.map((f) => [f, 0n]));
  return placement.param.kind === "word" ? 0n : 0;
}

function checkIndex(what: string, i: number, count: number): number {
  if (!Number.isInteger(i) || i < 0 || i >= count) {
    throw new Sel4ArgumentError(what, i, `an index in [0, ${count})`);
  }
  return i;
}

function checkInfo(what: string, info: unknown): seL4_MessageInfo_t {
  if (typeof info !== "object" || info === null) {
    throw new Sel4ArgumentError(what, info, "an seL4_MessageInfo_t");
  }
  const { label, capsUnwrapped, extraCaps, length } = info as Record<string, unknown>;
  checkUint(`${what}.label`, label, 52);
  checkUint(`${what}.capsUnwrapped`, capsUnwrapped, 3);
  checkUint(`${what}.extraCaps`, extraCaps, 2);
  checkUint(`${what}.length`, length, 7);
  return info as seL4_MessageInfo_t;
}

function checkRights(what: string, rights: unknown): seL4_CapRights_t {
  if (typeof rights !== "object" || rights === null) {
    throw new Sel4ArgumentError(what, rights, "an seL4_CapRights_t");
  }
  const r = rights as Record<string, unknown>;
  for (const field of ["capAllowGrantReply", "capAllowGrant", "capAllowRead", "capAllowWrite"]) {
    checkBool(`${what}.${field}`, r[field]);
  }
  return rights as seL4_CapRights_t;
}

function wordToNumber(what: string, word: bigint): number {
  if (word < 0n || word > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new Sel4ArgumentError(what, word, "a value below 2^53");
  }
  return Number(word);
}
