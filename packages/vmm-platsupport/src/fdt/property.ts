/**
 * Encoding and decoding of property values: big-endian 32-bit cells, 64-bit values as two cells,
 * NUL-terminated strings and string lists, as the devicetree specification defines them.
 */
import { FdtError } from "../errors.js";
import type { FdtProperty } from "./types.js";

const MAX_U32 = 0xffff_ffff;
const MAX_U64 = (1n << 64n) - 1n;

function checkU32(propertyName: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > MAX_U32) {
    throw new FdtError(
      "FDT_ERR_BADVALUE",
      `property ${propertyName}: ${value} is not a 32-bit cell`,
    );
  }
}

function toU64(propertyName: string, value: number | bigint): bigint {
  if (typeof value === "number" && (!Number.isSafeInteger(value) || value < 0)) {
    throw new FdtError(
      "FDT_ERR_BADVALUE",
      `property ${propertyName}: ${value} is not a 64-bit value`,
    );
  }
  const big = BigInt(value);
  if (big < 0n || big > MAX_U64) {
    throw new FdtError(
      "FDT_ERR_BADVALUE",
      `property ${propertyName}: ${value} is not a 64-bit value`,
    );
  }
  return big;
}

/**
 * A property without a value (a boolean such as `interrupt-controller`).
 * @param name - property name
 * @returns the property
 */
export function fdtPropEmpty(name: string): FdtProperty {
  return { name, value: new Uint8Array(0) };
}

/**
 * A property holding raw bytes, copied.
 * @param name - property name
 * @param bytes - value bytes
 * @returns the property
 */
export function fdtPropBytes(name: string, bytes: Uint8Array): FdtProperty {
  return { name, value: bytes.slice() };
}

/**
 * A property holding 32-bit cells, big-endian (`<a b c>` in dts).
 * @param name - property name
 * @param cells - each an integer in [0, 2^32)
 * @returns the property
 * @throws FdtError FDT_ERR_BADVALUE when a cell is out of range
 */
export function fdtPropU32(name: string, ...cells: readonly number[]): FdtProperty {
  const value = new Uint8Array(cells.length * 4);
  const view = new DataView(value.buffer);
  cells.forEach((cell, i) => {
    checkU32(name, cell);
    view.setUint32(i * 4, cell);
  });
  return { name, value };
}

/**
 * A property holding 64-bit values, each as two big-endian cells (`/bits/ 64 <a>` in dts).
 * @param name - property name
 * @param values - each in [0, 2^64)
 * @returns the property
 * @throws FdtError FDT_ERR_BADVALUE when a value is out of range
 */
export function fdtPropU64(name: string, ...values: readonly (number | bigint)[]): FdtProperty {
  const value = new Uint8Array(values.length * 8);
  const view = new DataView(value.buffer);
  values.forEach((v, i) => {
    view.setBigUint64(i * 8, toU64(name, v));
  });
  return { name, value };
}

/**
 * A property holding a list of numbers, each encoded in `cellsPerValue` cells (1 or 2), as `reg`
 * and `ranges` are laid out by `#address-cells` and `#size-cells`.
 * @param name - property name
 * @param cellsPerValue - cells of each value, in the same order as `values`
 * @param values - the numbers
 * @returns the property
 * @throws FdtError FDT_ERR_BADNCELLS for a cell count other than 1 or 2, FDT_ERR_BADVALUE when a value does not fit its cells
 */
export function fdtPropCells(
  name: string,
  cellsPerValue: readonly number[],
  values: readonly (number | bigint)[],
): FdtProperty {
  if (cellsPerValue.length !== values.length) {
    throw new FdtError(
      "FDT_ERR_BADNCELLS",
      `property ${name}: ${values.length} values for ${cellsPerValue.length} cell counts`,
    );
  }
  const cells: number[] = [];
  values.forEach((v, i) => {
    const big = toU64(name, v);
    const count = cellsPerValue[i];
    if (count === 1) {
      if (big > BigInt(MAX_U32)) {
        throw new FdtError("FDT_ERR_BADVALUE", `property ${name}: ${v} does not fit one cell`);
      }
      cells.push(Number(big));
    } else if (count === 2) {
      cells.push(Number(big >> 32n), Number(big & 0xffff_ffffn));
    } else {
      throw new FdtError("FDT_ERR_BADNCELLS", `property ${name}: ${count} cells per value`);
    }
  });
  return fdtPropU32(name, ...cells);
}

/**
 * A property holding one NUL-terminated UTF-8 string.
 * @param name - property name
 * @param text - the string; must not contain NUL
 * @returns the property
 * @throws FdtError FDT_ERR_BADVALUE when the string contains NUL
 */
export function fdtPropString(name: string, text: string): FdtProperty {
  return fdtPropStrings(name, text);
}

/**
 * A property holding a list of NUL-terminated UTF-8 strings (`"a", "b"` in dts).
 * @param name - property name
 * @param texts - the strings; none may contain NUL
 * @returns the property
 * @throws FdtError FDT_ERR_BADVALUE when a string contains NUL
 */
export function fdtPropStrings(name: string, ...texts: readonly string[]): FdtProperty {
  const encoder = new TextEncoder();
  const parts = texts.map((text) => {
    if (text.includes("\0")) {
      throw new FdtError("FDT_ERR_BADVALUE", `property ${name}: string contains NUL`);
    }
    return encoder.encode(text);
  });
  const value = new Uint8Array(parts.reduce((sum, part) => sum + part.length + 1, 0));
  let at = 0;
  for (const part of parts) {
    value.set(part, at);
    at += part.length + 1;
  }
  return { name, value };
}

/**
 * Reads a property as 32-bit cells.
 * @param property - the property
 * @returns the cells
 * @throws FdtError FDT_ERR_BADVALUE when the length is not a multiple of 4
 */
export function fdtGetU32Array(property: FdtProperty): number[] {
  const { value } = property;
  if (value.length % 4 !== 0) {
    throw new FdtError(
      "FDT_ERR_BADVALUE",
      `property ${property.name}: ${value.length} bytes is not whole cells`,
    );
  }
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  const cells: number[] = [];
  for (let at = 0; at < value.length; at += 4) cells.push(view.getUint32(at));
  return cells;
}

/**
 * Reads a property holding exactly one 32-bit cell.
 * @param property - the property
 * @returns the cell
 * @throws FdtError FDT_ERR_BADVALUE when the value is not 4 bytes
 */
export function fdtGetU32(property: FdtProperty): number {
  if (property.value.length !== 4) {
    throw new FdtError(
      "FDT_ERR_BADVALUE",
      `property ${property.name}: ${property.value.length} bytes, expected 4`,
    );
  }
  return fdtGetU32Array(property)[0]!;
}

/**
 * Reads a property holding exactly one 64-bit value (two cells).
 * @param property - the property
 * @returns the value
 * @throws FdtError FDT_ERR_BADVALUE when the value is not 8 bytes
 */
export function fdtGetU64(property: FdtProperty): bigint {
  const { value } = property;
  if (value.length !== 8) {
    throw new FdtError(
      "FDT_ERR_BADVALUE",
      `property ${property.name}: ${value.length} bytes, expected 8`,
    );
  }
  return new DataView(value.buffer, value.byteOffset, 8).getBigUint64(0);
}

/**
 * Reads a property as a list of numbers of `cellsPerValue` cells each, repeating the pattern
 * (a `reg` with `#address-cells = <2>` and `#size-cells = <2>` is read with `[2, 2]`).
 * @param property - the property
 * @param cellsPerValue - the pattern of cell counts (each 1 or 2)
 * @returns the numbers, as bigint so 64-bit values are exact
 * @throws FdtError FDT_ERR_BADNCELLS for a bad pattern, FDT_ERR_BADVALUE when the length is not whole patterns
 */
export function fdtGetCells(property: FdtProperty, cellsPerValue: readonly number[]): bigint[] {
  if (cellsPerValue.length === 0 || cellsPerValue.some((c) => c !== 1 && c !== 2)) {
    throw new FdtError(
      "FDT_ERR_BADNCELLS",
      `property ${property.name}: bad cell pattern ${cellsPerValue.join(",")}`,
    );
  }
  const cells = fdtGetU32Array(property);
  const patternCells = cellsPerValue.reduce((sum, c) => sum + c, 0);
  if (cells.length % patternCells !== 0) {
    throw new FdtError(
      "FDT_ERR_BADVALUE",
      `property ${property.name}: ${cells.length} cells is not a multiple of ${patternCells}`,
    );
  }
  const values: bigint[] = [];
  let at = 0;
  while (at < cells.length) {
    for (const count of cellsPerValue) {
      let v = 0n;
      for (let i = 0; i < count; i++) v = (v << 32n) | BigInt(cells[at++]!);
      values.push(v);
    }
  }
  return values;
}

/**
 * Reads a property as a list of NUL-terminated strings.
 * @param property - the property
 * @returns the strings (an empty value gives an empty list)
 * @throws FdtError FDT_ERR_BADVALUE when the value does not end with NUL
 */
export function fdtGetStrings(property: FdtProperty): string[] {
  const { value } = property;
  if (value.length === 0) return [];
  if (value[value.length - 1] !== 0) {
    throw new FdtError("FDT_ERR_BADVALUE", `property ${property.name}: string not NUL-terminated`);
  }
  const decoder = new TextDecoder();
  const texts: string[] = [];
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    if (value[i] === 0) {
      texts.push(decoder.decode(value.subarray(start, i)));
      start = i + 1;
    }
  }
  return texts;
}

/**
 * Reads a property holding exactly one NUL-terminated string.
 * @param property - the property
 * @returns the string
 * @throws FdtError FDT_ERR_BADVALUE when the value is not one NUL-terminated string
 */
export function fdtGetString(property: FdtProperty): string {
  const texts = fdtGetStrings(property);
  if (texts.length !== 1) {
    throw new FdtError(
      "FDT_ERR_BADVALUE",
      `property ${property.name}: ${texts.length} strings, expected 1`,
    );
  }
  return texts[0]!;
}
