/**
 * An independent encoder of A64 general-purpose loads and stores, written from the Arm ARM's
 * mnemonic tables (not from the decoder), with the assembly text of each instruction so the
 * encoder itself can be checked against GNU as.
 */
import fc from "fast-check";

/** One mnemonic of the single-register class. */
interface SingleOp {
  readonly name: string;
  readonly size: number; // log2 bytes
  readonly opc: number;
  readonly load: boolean;
  readonly signExtend: boolean;
  readonly x: boolean; // the transfer register is an X register
}

const single: SingleOp[] = [
  { name: "strb", size: 0, opc: 0, load: false, signExtend: false, x: false },
  { name: "ldrb", size: 0, opc: 1, load: true, signExtend: false, x: false },
  { name: "ldrsb", size: 0, opc: 2, load: true, signExtend: true, x: true },
  { name: "ldrsb", size: 0, opc: 3, load: true, signExtend: true, x: false },
  { name: "strh", size: 1, opc: 0, load: false, signExtend: false, x: false },
  { name: "ldrh", size: 1, opc: 1, load: true, signExtend: false, x: false },
  { name: "ldrsh", size: 1, opc: 2, load: true, signExtend: true, x: true },
  { name: "ldrsh", size: 1, opc: 3, load: true, signExtend: true, x: false },
  { name: "str", size: 2, opc: 0, load: false, signExtend: false, x: false },
  { name: "ldr", size: 2, opc: 1, load: true, signExtend: false, x: false },
  { name: "ldrsw", size: 2, opc: 2, load: true, signExtend: true, x: true },
  { name: "str", size: 3, opc: 0, load: false, signExtend: false, x: true },
  { name: "ldr", size: 3, opc: 1, load: true, signExtend: false, x: true },
];

interface PairOp {
  readonly name: string;
  readonly opc: number;
  readonly load: boolean;
  readonly x: boolean;
  readonly signExtend: boolean;
  readonly scale: number;
}

const pairs: PairOp[] = [
  { name: "stp", opc: 0, load: false, x: false, signExtend: false, scale: 2 },
  { name: "ldp", opc: 0, load: true, x: false, signExtend: false, scale: 2 },
  { name: "ldpsw", opc: 1, load: true, x: true, signExtend: true, scale: 2 },
  { name: "stp", opc: 2, load: false, x: true, signExtend: false, scale: 3 },
  { name: "ldp", opc: 2, load: true, x: true, signExtend: false, scale: 3 },
];

/** What an encoded instruction means, as the decoder should report it. */
export interface Expected {
  readonly load: boolean;
  readonly size: number;
  readonly signExtend: boolean;
  readonly sixtyFour: boolean;
  readonly rt: number;
  readonly rt2: number | null;
  readonly rn: number;
  readonly mode: "offset" | "pre" | "post";
  readonly imm: bigint;
  readonly index: { rm: number; extend: string; shift: number } | null;
}

/** An instruction: its word, its assembly text and its meaning. */
export interface Encoded {
  readonly word: number;
  readonly asm: string;
  readonly expected: Expected;
}

const reg = (x: boolean, n: number) => (n === 31 ? (x ? "xzr" : "wzr") : `${x ? "x" : "w"}${n}`);
const base = (n: number) => (n === 31 ? "sp" : `x${n}`);

/** Prefix "ldr" → "ldur" etc. for the unscaled and unprivileged spellings. */
function spelled(name: string, form: "unscaled" | "unpriv"): string {
  const infix = form === "unscaled" ? "u" : "t";
  return name.startsWith("ld")
    ? `ld${infix}${name.slice(3)}`
        .replace(/^ld(u|t)/, `ld${infix}r`)
        .replace(`ld${infix}rr`, `ld${infix}r`)
    : `st${infix}r${name.slice(3)}`;
}

type SingleForm = "uimm" | "unscaled" | "unpriv" | "pre" | "post" | "reg";

/** Encodes a single-register load/store. */
export function encodeSingle(
  op: SingleOp,
  form: SingleForm,
  rt: number,
  rn: number,
  value: number,
  rm = 0,
  option = 3,
  s = 0,
): Encoded {
  const t = reg(op.x, rt);
  const fixed = (op.size << 30) | (7 << 27) | (op.opc << 22) | (rn << 5) | rt;
  const exp = {
    load: op.load,
    size: 1 << op.size,
    signExtend: op.signExtend,
    sixtyFour: op.x,
    rt,
    rt2: null,
    rn,
  };
  if (form === "uimm") {
    const word = fixed | (1 << 24) | (value << 10);
    const imm = value << op.size;
    return {
      word: word >>> 0,
      asm: `${op.name} ${t}, [${base(rn)}, #${imm}]`,
      expected: { ...exp, mode: "offset", imm: BigInt(imm), index: null },
    };
  }
  if (form === "reg") {
    const extend = ({ 2: "uxtw", 3: "lsl", 6: "sxtw", 7: "sxtx" } as Record<number, string>)[
      option
    ]!;
    const word = fixed | (1 << 21) | (rm << 16) | (option << 13) | (s << 12) | (2 << 10);
    const m = reg(option === 3 || option === 7, rm);
    const amount = s ? ` #${op.size}` : "";
    const ext = extend === "lsl" ? (s ? `, lsl${amount}` : "") : `, ${extend}${amount}`;
    return {
      word: word >>> 0,
      asm: `${op.name} ${t}, [${base(rn)}, ${m}${ext}]`,
      expected: { ...exp, mode: "offset", imm: 0n, index: { rm, extend, shift: s ? op.size : 0 } },
    };
  }
  const op2 = { unscaled: 0, post: 1, unpriv: 2, pre: 3 }[form];
  const word = fixed | ((value & 0x1ff) << 12) | (op2 << 10);
  const mode = form === "pre" ? "pre" : form === "post" ? "post" : "offset";
  const asm =
    form === "pre"
      ? `${op.name} ${t}, [${base(rn)}, #${value}]!`
      : form === "post"
        ? `${op.name} ${t}, [${base(rn)}], #${value}`
        : `${spelled(op.name, form)} ${t}, [${base(rn)}, #${value}]`;
  return { word: word >>> 0, asm, expected: { ...exp, mode, imm: BigInt(value), index: null } };
}

type PairForm = "offset" | "pre" | "post" | "nontemporal";

/** Encodes a load/store pair. */
export function encodePair(
  op: PairOp,
  form: PairForm,
  rt: number,
  rt2: number,
  rn: number,
  k: number,
): Encoded {
  const idx = { nontemporal: 0, post: 1, offset: 2, pre: 3 }[form];
  const word =
    (op.opc << 30) |
    (5 << 27) |
    (idx << 23) |
    ((op.load ? 1 : 0) << 22) |
    ((k & 0x7f) << 15) |
    (rt2 << 10) |
    (rn << 5) |
    rt;
  const imm = k * (1 << op.scale);
  const name = form === "nontemporal" ? op.name.replace("p", "np") : op.name;
  const regs = `${reg(op.x, rt)}, ${reg(op.x, rt2)}`;
  const asm =
    form === "pre"
      ? `${name} ${regs}, [${base(rn)}, #${imm}]!`
      : form === "post"
        ? `${name} ${regs}, [${base(rn)}], #${imm}`
        : `${name} ${regs}, [${base(rn)}, #${imm}]`;
  const mode = form === "pre" ? "pre" : form === "post" ? "post" : "offset";
  return {
    word: word >>> 0,
    asm,
    expected: {
      load: op.load,
      size: 1 << op.scale,
      signExtend: op.signExtend,
      sixtyFour: op.x,
      rt,
      rt2,
      rn,
      mode,
      imm: BigInt(imm),
      index: null,
    },
  };
}

const regNo = fc.integer({ min: 0, max: 31 });

/** Arbitrary valid (decodable, not UNPREDICTABLE) loads and stores of every form. */
export const arbitraryLoadStore: fc.Arbitrary<Encoded> = fc.oneof(
  fc
    .record({
      op: fc.constantFrom(...single),
      form: fc.constantFrom<SingleForm>("uimm", "unscaled", "unpriv", "pre", "post", "reg"),
      rt: regNo,
      rn: regNo,
      uimm: fc.integer({ min: 0, max: 4095 }),
      simm: fc.integer({ min: -256, max: 255 }),
      rm: regNo,
      option: fc.constantFrom(2, 3, 6, 7),
      s: fc.integer({ min: 0, max: 1 }),
    })
    .filter((r) => !((r.form === "pre" || r.form === "post") && r.rn === r.rt && r.rn !== 31))
    .map((r) =>
      encodeSingle(
        r.op,
        r.form,
        r.rt,
        r.rn,
        r.form === "uimm" ? r.uimm : r.simm,
        r.rm,
        r.option,
        r.s,
      ),
    ),
  fc
    .record({
      op: fc.constantFrom(...pairs),
      form: fc.constantFrom<PairForm>("offset", "pre", "post", "nontemporal"),
      rt: regNo,
      rt2: regNo,
      rn: regNo,
      k: fc.integer({ min: -64, max: 63 }),
    })
    .filter((r) => !(r.op.load && r.rt === r.rt2))
    .filter((r) => !(r.form === "nontemporal" && r.op.name === "ldpsw"))
    .filter(
      (r) =>
        !(
          (r.form === "pre" || r.form === "post") &&
          r.rn !== 31 &&
          (r.rn === r.rt || r.rn === r.rt2)
        ),
    )
    .map((r) => encodePair(r.op, r.form, r.rt, r.rt2, r.rn, r.k)),
);
