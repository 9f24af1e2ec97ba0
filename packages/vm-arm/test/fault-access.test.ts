import { type seL4_UserContext_aarch64, seL4_UserContext_aarch64_fields } from "@sel4/sel4";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  commit_access,
  decode_load_store,
  load_result,
  load_store_address,
  plan_access,
} from "../src/index.js";
import { arbitraryLoadStore } from "./a64-encoder.js";

const zero = () =>
  Object.fromEntries(
    seL4_UserContext_aarch64_fields.map((f) => [f, 0n]),
  ) as seL4_UserContext_aarch64;
const word = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });

describe("emulated access: plan and register commit", () => {
  it("every decodable load/store: transfers at the IPA (pairs: consecutive), loaded values and writeback land, pc moves on", () => {
    fc.assert(
      fc.property(
        arbitraryLoadStore,
        fc.array(word, { minLength: 33, maxLength: 33 }),
        word,
        fc.integer({ min: 0, max: 0xfff_ffff }),
        fc.boolean(),
        (e, values, data, ipaPage, el1h) => {
          const insn = decode_load_store(e.word)!;
          const regs = zero();
          const r = regs as Record<string, bigint>;
          values.slice(0, 31).forEach((v, i) => {
            r[`x${i}`] = v;
          });
          regs.sp = values[31]!;
          const base = insn.rn === 31 ? regs.sp : r[`x${insn.rn}`]!;
          const rm = insn.index === null ? 0n : insn.index.rm === 31 ? 0n : r[`x${insn.index.rm}`]!;
          const { address, writeback } = load_store_address(insn, base, rm);
          const ipa = ipaPage * 0x1000 + Number(address & 0xfffn);
          const plan = plan_access(insn, ipa, base, rm)!;
          expect(plan.transfers.map((t) => t.addr)).toEqual(
            insn.rt2 === null ? [ipa] : [ipa, ipa + insn.size],
          );
          expect(plan.transfers.map((t) => t.rt)).toEqual(
            insn.rt2 === null ? [insn.rt] : [insn.rt, insn.rt2],
          );
          expect(plan.writeback).toEqual(
            writeback === null ? null : { rn: insn.rn, value: writeback },
          );
          // A page offset that does not match the instruction's address is refused.
          expect(plan_access(insn, ipa ^ 0x8, base, rm)).toBeNull();
          const loaded = insn.load
            ? plan.transfers.map((t) => ({
                rt: t.rt,
                value: load_result(data, t.addr, insn.size, insn.signExtend, insn.sixtyFour),
              }))
            : [];
          const out = commit_access(regs, loaded, plan.writeback, el1h, 0x4000_0000n);
          const o = out.regs as Record<string, bigint>;
          expect(out.regs.pc).toBe(0x4000_0004n);
          for (const l of loaded) if (l.rt !== 31) expect(o[`x${l.rt}`]).toBe(l.value);
          if (plan.writeback !== null && plan.writeback.rn === 31) {
            expect(el1h ? out.sp_el1 : out.regs.sp).toBe(plan.writeback.value);
          } else if (plan.writeback !== null) {
            expect(o[`x${plan.writeback.rn}`]).toBe(plan.writeback.value);
          }
          // Registers the instruction does not name are untouched.
          const named = new Set(
            [insn.rt, insn.rt2, plan.writeback?.rn].filter((x) => x !== null && x !== undefined),
          );
          for (let i = 0; i < 31; i++) if (!named.has(i)) expect(o[`x${i}`]).toBe(r[`x${i}`]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("LDRSB w5, [x1, #3]! from a device: sign-extended into W, upper half zero, base written back", () => {
    const insn = decode_load_store(0x38c03c25)!; // ldrsb w5, [x1, #3]!
    const regs = zero();
    regs.x1 = 0x0900_0000n;
    regs.x5 = 0xdead_beef_dead_beefn;
    const plan = plan_access(insn, 0x0900_0003, regs.x1, 0n)!;
    const loaded = [
      { rt: 5, value: load_result(0x8000_0000n, 0x0900_0003, 1, insn.signExtend, insn.sixtyFour) },
    ];
    const out = commit_access(regs, loaded, plan.writeback, true, 0x100n);
    expect([out.regs.x5, out.regs.x1, out.regs.pc]).toEqual([0xffff_ff80n, 0x0900_0003n, 0x104n]);
  });
});
