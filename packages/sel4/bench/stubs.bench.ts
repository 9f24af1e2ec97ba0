// Throughput of the user-side ABI work: marshalling invocations onto a thread port and the
// message-info encoding. The port here does nothing but store words, so the numbers are the
// stubs' own cost.
import { bench, describe } from "vitest";
import {
  createSel4,
  messageInfoFromWord,
  type Sel4_AArch64,
  type Sel4ThreadPort,
  seL4_AllRights,
  seL4_MessageInfo_new,
  seL4_UserContext_aarch64_fields,
  wordFromMessageInfo,
  zeroContext,
} from "../src/index.js";

function nullPort(): Sel4ThreadPort {
  const registers = [0n, 0n, 0n, 0n];
  const buffer: bigint[] = new Array(128).fill(0n);
  return {
    config: "aarch64",
    getMR: (i) => (i < 4 ? registers[i]! : buffer[i + 1]!),
    setMR: (i, v) => {
      if (i < 4) registers[i] = v;
      else buffer[i + 1] = v;
    },
    readIPCBufferWord: (i) => buffer[i]!,
    writeIPCBufferWord: (i, v) => {
      buffer[i] = v;
    },
    syscall: () => ({ badge: 0n, info: 0n }),
    syscallBlocking: async () => ({ badge: 0n, info: 0n }),
  };
}

const sel4 = createSel4(nullPort()) as Sel4_AArch64;
const regs = zeroContext(seL4_UserContext_aarch64_fields);

describe("stubs", () => {
  bench("seL4_CNode_Mint (6 words, 1 cap)", () => {
    sel4.seL4_CNode_Mint(2, 100, 64, 2, 5, 64, seL4_AllRights, 0x1234n);
  });
  bench("seL4_ARM_VCPU_InjectIRQ (packed fields)", () => {
    sel4.seL4_ARM_VCPU_InjectIRQ(40, 27, 0, 0, 1);
  });
  bench("seL4_TCB_WriteRegisters (38 words)", () => {
    sel4.seL4_TCB_WriteRegisters(5, false, 0, 36, regs);
  });
  bench("seL4_TCB_ReadRegisters (36-word result)", () => {
    sel4.seL4_TCB_ReadRegisters(5, false, 0, 36);
  });
});

describe("message info", () => {
  const info = seL4_MessageInfo_new(0x12345, 1, 2, 100);
  bench("encode + decode", () => {
    messageInfoFromWord(wordFromMessageInfo(info));
  });
});
