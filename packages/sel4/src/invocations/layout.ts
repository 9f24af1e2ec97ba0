/**
 * Where each parameter of an invocation travels, computed the way libsel4's stub generator
 * packs them: caps become extra caps in order; every other parameter is placed at the next bit
 * offset aligned to min(its width, 64), so bools take one bit, u8 eight, words and structs whole
 * words.
 */

import type { Sel4Config } from "../types.js";
import {
  seL4_ARM_SMCContext_fields,
  seL4_UserContext_aarch64_fields,
  seL4_UserContext_x86_64_fields,
  seL4_VCPUContext_fields,
} from "../user-context.js";
import type { InvocationDesc, ParamDesc, ParamKind } from "./table.js";

/** Where one parameter is: an extra-cap index, or a bit field / run of words in the message. */
export type ParamPlacement =
  | { readonly param: ParamDesc; readonly extraCap: number }
  | {
      readonly param: ParamDesc;
      /** First message register. */
      readonly mr: number;
      /** Bit offset inside that register (0 for whole words). */
      readonly shift: number;
      /** Width in bits (for structs: 64 per field). */
      readonly bits: number;
      /** For structs: the field names in C order, one word each. */
      readonly fields?: readonly string[];
    };

/** The wire layout of one invocation on one configuration. */
export interface MessageLayout {
  /** Input parameters, in C order. */
  readonly params: readonly ParamPlacement[];
  /** Number of extra caps. */
  readonly extraCaps: number;
  /** Message length in words. */
  readonly length: number;
  /** Output parameters, in C order (placement in the reply). */
  readonly results: readonly ParamPlacement[];
  /** Reply length in words. */
  readonly replyLength: number;
}

/** The struct fields of a struct kind on a configuration, or `null` for a scalar kind. */
export function structFields(config: Sel4Config, kind: ParamKind): readonly string[] | null {
  switch (kind) {
    case "userContext":
      return config === "aarch64"
        ? seL4_UserContext_aarch64_fields
        : seL4_UserContext_x86_64_fields;
    case "smcContext":
      return seL4_ARM_SMCContext_fields;
    case "vcpuContext":
      return seL4_VCPUContext_fields;
    default:
      return null;
  }
}

const SCALAR_BITS: Readonly<Record<string, number>> = {
  bool: 1,
  u8: 8,
  u16: 16,
  u32: 32,
  word: 64,
  wnum: 64,
  rights: 64,
};

function place(config: Sel4Config, params: readonly ParamDesc[], withCaps: boolean) {
  const placements: ParamPlacement[] = [];
  let bit = 0;
  let caps = 0;
  for (const param of params) {
    if (param.kind === "cap" && withCaps) {
      placements.push({ param, extraCap: caps++ });
      continue;
    }
    const fields = structFields(config, param.kind);
    const bits = fields ? fields.length * 64 : (SCALAR_BITS[param.kind] ?? 64);
    const align = Math.min(bits, 64);
    bit = Math.ceil(bit / align) * align;
    const placement = { param, mr: Math.floor(bit / 64), shift: bit % 64, bits };
    placements.push(fields ? { ...placement, fields } : placement);
    bit += bits;
  }
  return { placements, words: Math.ceil(bit / 64), caps };
}

/** Computes the layout of `desc` on `config`. */
export function messageLayout(config: Sel4Config, desc: InvocationDesc): MessageLayout {
  const input = place(config, desc.params, true);
  const output = place(config, desc.results, false);
  return {
    params: input.placements,
    extraCaps: input.caps,
    length: input.words,
    results: output.placements,
    replyLength: output.words,
  };
}

/** A parameter as read back from message words: a masked field, or a struct of words. */
export type UnpackedParam = bigint | Readonly<Record<string, bigint>>;

/**
 * Reads every non-cap parameter of `placements` out of message words, as a kernel decoding an
 * invocation (or a stub reading a reply) sees it: each field masked to its width, structs one
 * word per field, words past the end of `words` read as 0. No range checks: the kernel decides
 * what a value means (and in which order to complain).
 */
export function unpackMessage(
  placements: readonly ParamPlacement[],
  words: readonly bigint[],
): Record<string, UnpackedParam> {
  const values: Record<string, UnpackedParam> = {};
  const at = (i: number): bigint => BigInt.asUintN(64, words[i] ?? 0n);
  for (const placement of placements) {
    if ("extraCap" in placement) continue;
    const { mr, shift, bits, fields } = placement;
    if (fields) {
      values[placement.param.name] = Object.fromEntries(
        fields.map((field, i) => [field, at(mr + i)]),
      );
    } else {
      values[placement.param.name] = BigInt.asUintN(bits, at(mr) >> BigInt(shift));
    }
  }
  return values;
}
