import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decode_load_store, load_store_address } from "../src/index.js";
import { arbitraryLoadStore } from "./a64-encoder.js";

function hasAssembler(): boolean {
  try {
    execFileSync("aarch64-linux-gnu-as", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("A64 load/store decode (ISV = 0)", () => {
  it("decodes what an independent encoder encodes, for every form", () => {
    fc.assert(
      fc.property(arbitraryLoadStore, (e) => {
        expect(decode_load_store(e.word)).toEqual(e.expected);
      }),
      { numRuns: 5000 },
    );
  });

  it.runIf(hasAssembler())("the encoder agrees with GNU as", () => {
    const sample = fc.sample(arbitraryLoadStore, { numRuns: 1500, seed: 42 });
    const dir = mkdtempSync(join(tmpdir(), "vm-arm-decode-"));
    try {
      writeFileSync(join(dir, "a.s"), `${sample.map((e) => `\t${e.asm}`).join("\n")}\n`);
      execFileSync("aarch64-linux-gnu-as", ["-o", join(dir, "a.o"), join(dir, "a.s")]);
      execFileSync("aarch64-linux-gnu-objcopy", [
        "-O",
        "binary",
        "-j",
        ".text",
        join(dir, "a.o"),
        join(dir, "a.bin"),
      ]);
      const bin = readFileSync(join(dir, "a.bin"));
      sample.forEach((e, i) => {
        expect({ asm: e.asm, word: bin.readUInt32LE(i * 4).toString(16) }).toEqual({
          asm: e.asm,
          word: e.word.toString(16),
        });
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("rejects what it does not emulate: SIMD, PRFM, atomics, literals, UNPREDICTABLE writeback, garbage", () => {
    expect(decode_load_store(0x3d400020)).toBeNull(); // ldr b0, [x1]
    expect(decode_load_store(0xf9800020)).toBeNull(); // prfm pldl1keep, [x1]
    expect(decode_load_store(0xf8200020)).toBeNull(); // ldadd x0, x0, [x1]
    expect(decode_load_store(0x58000040)).toBeNull(); // ldr x0, #8 (literal)
    expect(decode_load_store(0xf8408c21)).toBeNull(); // ldr x1, [x1, #8]! (Rn == Rt)
    expect(decode_load_store(0xa9c10420)).toBeNull(); // ldp x0, x1, [x1, #16]! (Rn == Rt2)
    expect(decode_load_store(0x29400000)).toBeNull(); // ldp w0, w0, [x0] (Rt == Rt2)
    expect(decode_load_store(0xffffffff)).toBeNull();
    expect(decode_load_store(0)).toBeNull();
  });

  it("computes addresses and writeback for offset, pre and post forms", () => {
    const pre = decode_load_store(0xf8410c20)!; // ldr x0, [x1, #16]!
    expect(load_store_address(pre, 0x1000n)).toEqual({ address: 0x1010n, writeback: 0x1010n });
    const post = decode_load_store(0xf8410420)!; // ldr x0, [x1], #16
    expect(load_store_address(post, 0x1000n)).toEqual({ address: 0x1000n, writeback: 0x1010n });
    const sxtw = decode_load_store(0x78a2d820)!; // ldrh w0, [x1, w2, sxtw #1]
    expect(load_store_address(sxtw, 0x1000n, 0xffff_fffen)).toEqual({
      address: 0xffcn,
      writeback: null,
    });
    const neg = decode_load_store(0xa9bf7bfd)!; // stp x29, x30, [sp, #-16]!
    expect(load_store_address(neg, 0x8000n)).toEqual({ address: 0x7ff0n, writeback: 0x7ff0n });
  });
});
