import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  cnodeCapDataFromWord,
  guardFromCNodeCapData,
  seL4_CNode_CapData_new,
  wordFromCNodeCapData,
} from "./cnode-cap-data.js";
import { Sel4ArgumentError } from "./errors.js";
import {
  messageInfoFromWord,
  messageInfoFromWordRaw,
  seL4_MessageInfo_get_label,
  seL4_MessageInfo_new,
  seL4_MessageInfo_set_length,
  seL4_MsgMaxLength,
  wordFromMessageInfo,
} from "./message-info.js";
import {
  rightsFromWord,
  seL4_AllRights,
  seL4_CanGrant,
  seL4_CanGrantReply,
  seL4_CanRead,
  seL4_CanWrite,
  seL4_CapRights_new,
  seL4_NoRead,
  seL4_NoRights,
  seL4_NoWrite,
  seL4_ReadWrite,
  wordFromRights,
} from "./rights.js";

const word = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const LABEL_MAX = 2 ** 52 - 1;

describe("seL4_MessageInfo_t", () => {
  it("places the fields at bits 63..12, 11..9, 8..7, 6..0", () => {
    const info = seL4_MessageInfo_new(0x12345, 5, 3, 120);
    expect(wordFromMessageInfo(info)).toBe((0x12345n << 12n) | (5n << 9n) | (3n << 7n) | 120n);
  });

  it("round-trips every valid tag, including 52-bit labels", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: LABEL_MAX }),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: seL4_MsgMaxLength }),
        (label, unwrapped, extraCaps, length) => {
          const info = seL4_MessageInfo_new(label, unwrapped, extraCaps, length);
          expect(messageInfoFromWord(wordFromMessageInfo(info))).toEqual(info);
        },
      ),
    );
  });

  it("decodes the all-ones word with the largest label and the kernel's length clamp", () => {
    const all = (1n << 64n) - 1n;
    expect(messageInfoFromWord(all)).toEqual({
      label: LABEL_MAX,
      capsUnwrapped: 7,
      extraCaps: 3,
      length: seL4_MsgMaxLength,
    });
    expect(messageInfoFromWordRaw(all).length).toBe(127);
  });

  it("clamps any length above 120 to 120 and keeps the others", () => {
    fc.assert(
      fc.property(word, (w) => {
        const raw = messageInfoFromWordRaw(w);
        const clamped = messageInfoFromWord(w);
        expect(clamped.length).toBe(Math.min(raw.length, 120));
        expect(clamped.label).toBe(raw.label);
        expect(wordFromMessageInfo(raw)).toBe(w);
      }),
    );
  });

  it("takes out-of-range words modulo 2^64 when decoding, never throwing", () => {
    expect(messageInfoFromWord(-1n)).toEqual(messageInfoFromWord((1n << 64n) - 1n));
    expect(messageInfoFromWord(1n << 70n)).toEqual(messageInfoFromWord(0n));
  });

  it("refuses fields that do not fit, with a typed error naming the field", () => {
    expect(() => seL4_MessageInfo_new(2 ** 52, 0, 0, 0)).toThrow(Sel4ArgumentError);
    expect(() => seL4_MessageInfo_new(0, 8, 0, 0)).toThrow(/capsUnwrapped/);
    expect(() => seL4_MessageInfo_new(0, 0, 4, 0)).toThrow(/extraCaps/);
    expect(() => seL4_MessageInfo_new(0, 0, 0, 128)).toThrow(/length/);
    expect(() => seL4_MessageInfo_new(-1, 0, 0, 0)).toThrow(/label/);
    expect(() => seL4_MessageInfo_new(1.5, 0, 0, 0)).toThrow(Sel4ArgumentError);
  });

  it("has C-style getters and value-returning setters", () => {
    const info = seL4_MessageInfo_new(9, 0, 0, 2);
    expect(seL4_MessageInfo_get_label(info)).toBe(9);
    expect(seL4_MessageInfo_set_length(info, 4)).toEqual({ ...info, length: 4 });
    expect(info.length).toBe(2);
  });
});

describe("seL4_CapRights_t", () => {
  it("has the C constants' words", () => {
    expect(wordFromRights(seL4_AllRights)).toBe(0xfn);
    expect(wordFromRights(seL4_ReadWrite)).toBe(0x3n);
    expect(wordFromRights(seL4_CanRead)).toBe(0x2n);
    expect(wordFromRights(seL4_CanWrite)).toBe(0x1n);
    expect(wordFromRights(seL4_CanGrant)).toBe(0x4n);
    expect(wordFromRights(seL4_CanGrantReply)).toBe(0x8n);
    expect(wordFromRights(seL4_NoWrite)).toBe(0xen);
    expect(wordFromRights(seL4_NoRead)).toBe(0xdn);
    expect(wordFromRights(seL4_NoRights)).toBe(0n);
  });

  it("takes C's parameter order (GrantReply, Grant, Read, Write)", () => {
    expect(wordFromRights(seL4_CapRights_new(true, false, false, false))).toBe(8n);
    expect(wordFromRights(seL4_CapRights_new(false, false, false, true))).toBe(1n);
  });

  it("round-trips all 16 rights and ignores bits above 3 when decoding", () => {
    fc.assert(
      fc.property(word, (w) => {
        expect(wordFromRights(rightsFromWord(w))).toBe(w & 0xfn);
      }),
    );
  });

  it("refuses non-boolean rights", () => {
    expect(() => seL4_CapRights_new(1 as unknown as boolean, true, true, true)).toThrow(
      Sel4ArgumentError,
    );
  });
});

describe("seL4_CNode_CapData_t", () => {
  it("puts guardSize in bits 5..0 and the guard above", () => {
    expect(wordFromCNodeCapData(seL4_CNode_CapData_new(0n, 52))).toBe(52n);
    expect(wordFromCNodeCapData(seL4_CNode_CapData_new(0x3n, 2))).toBe((3n << 6n) | 2n);
  });

  it("round-trips every word", () => {
    fc.assert(
      fc.property(word, (w) => {
        expect(wordFromCNodeCapData(cnodeCapDataFromWord(w))).toBe(w);
      }),
    );
  });

  it("round-trips the largest guard and guard size", () => {
    const data = seL4_CNode_CapData_new((1n << 58n) - 1n, 63);
    expect(wordFromCNodeCapData(data)).toBe((1n << 64n) - 1n);
    expect(cnodeCapDataFromWord(wordFromCNodeCapData(data))).toEqual(data);
  });

  it("masks the guard to guardSize bits as the kernel installs it", () => {
    expect(guardFromCNodeCapData(seL4_CNode_CapData_new(0xffn, 4))).toBe(0xfn);
    expect(guardFromCNodeCapData(seL4_CNode_CapData_new(0xffn, 0))).toBe(0n);
  });

  it("refuses a 59-bit guard or a guard size of 64", () => {
    expect(() => seL4_CNode_CapData_new(1n << 58n, 0)).toThrow(Sel4ArgumentError);
    expect(() => seL4_CNode_CapData_new(0n, 64)).toThrow(Sel4ArgumentError);
  });
});
