/** Data-abort decode: the syndrome path (ISV = 1) and the instruction decoder (ISV = 0). */
import { bench, describe } from "vitest";
import { decode_data_abort_syndrome, decode_load_store, load_result } from "../src/index.js";

describe("data-abort decode", () => {
  const hsr = (0x24 << 26) | (1 << 25) | (1 << 24) | (2 << 22) | (5 << 16);
  bench("ISS decode + load extension", () => {
    const s = decode_data_abort_syndrome(hsr);
    load_result(0x1234_5678n, 0x0900_0000, s.size, s.signExtend, s.sixtyFour);
  });
  const words = [0xa9bf7bfd, 0xf8410c20, 0x78a2d820, 0x38c03c25, 0xb9400020];
  let i = 0;
  bench("A64 load/store decode", () => {
    decode_load_store(words[i++ % words.length]!);
  });
});
