// Every invocation of both configurations, with random arguments of every kind: what the stub
// puts on the wire must read back (through the layout a kernel would use) as the arguments given,
// extra caps must land in caps_or_badges in order, and the tag must carry the config's label.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { messageInfoFromWordRaw } from "../message-info.js";
import { type seL4_CapRights_t, wordFromRights } from "../rights.js";
import { createSel4 } from "../stubs.js";
import { RecordingPort } from "../testing/recording-port.js";
import type { Sel4Config } from "../types.js";
import { messageLayout, structFields, unpackMessage } from "./layout.js";
import { type InvocationDesc, invocationLabel, invocationTable, type ParamDesc } from "./table.js";

const word = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const safe = fc.oneof(
  fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  fc.constantFrom(0, 1, 2 ** 53 - 1),
);
const rights = fc
  .tuple(fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean())
  .map(([gr, g, r, w]) => ({
    capAllowGrantReply: gr,
    capAllowGrant: g,
    capAllowRead: r,
    capAllowWrite: w,
  }));

function argument(config: Sel4Config, param: ParamDesc): fc.Arbitrary<unknown> {
  const fields = structFields(config, param.kind);
  if (fields)
    return fc
      .tuple(...fields.map(() => word))
      .map((ws) => Object.fromEntries(fields.map((f, i) => [f, ws[i]])));
  switch (param.kind) {
    case "bool":
      return fc.boolean();
    case "u8":
      return fc.integer({ min: 0, max: 0xff });
    case "u16":
      return fc.integer({ min: 0, max: 0xffff });
    case "u32":
      return fc.integer({ min: 0, max: 0xffff_ffff });
    case "rights":
      return rights;
    case "word":
      return word;
    default:
      return safe; // cap, wnum
  }
}

/** The wire value an argument should read back as. */
function expected(param: ParamDesc, value: unknown): unknown {
  if (param.kind === "bool") return value ? 1n : 0n;
  if (param.kind === "rights") return wordFromRights(value as seL4_CapRights_t);
  if (typeof value === "number") return BigInt(value);
  return value;
}

function check(config: Sel4Config, desc: InvocationDesc) {
  const layout = messageLayout(config, desc);
  const label = invocationLabel(config, desc);
  const args = fc.tuple(safe, ...desc.params.map((p) => argument(config, p)));
  fc.assert(
    fc.property(args, (values) => {
      const port = new RecordingPort(config);
      const sel4 = createSel4(port) as unknown as Record<string, (...a: unknown[]) => unknown>;
      sel4[desc.name]!(...values);
      const entry = port.last;
      expect(entry.dest).toBe(values[0]);
      expect(messageInfoFromWordRaw(entry.info)).toEqual({
        label,
        capsUnwrapped: 0,
        extraCaps: layout.extraCaps,
        length: layout.length,
      });
      const words = Array.from({ length: layout.length }, (_, i) =>
        i < 4 ? entry.registers[i]! : entry.buffer[1 + i]!,
      );
      const unpacked = unpackMessage(layout.params, words);
      layout.params.forEach((placement, i) => {
        const value = values[i + 1];
        if ("extraCap" in placement) {
          expect(entry.buffer[122 + placement.extraCap]).toBe(BigInt(value as number));
        } else {
          expect(unpacked[placement.param.name]).toEqual(expected(placement.param, value));
        }
      });
    }),
    { numRuns: 20 },
  );
}

describe.each(["aarch64", "x86_64"] as const)("every %s invocation round-trips", (config) => {
  for (const desc of invocationTable.filter((d) => invocationLabel(config, d) !== null)) {
    it(desc.name, () => check(config, desc));
  }
});
