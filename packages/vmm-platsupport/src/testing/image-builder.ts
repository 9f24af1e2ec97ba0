/** Test helper: builds Linux arm64 Image files with a chosen header. */
export interface ImageSpec {
  textOffset?: bigint;
  imageSize?: bigint;
  flags?: bigint;
  magic?: number;
  bodyBytes?: number;
}

export function buildArm64Image(spec: ImageSpec = {}): Uint8Array {
  const bytes = new Uint8Array(64 + (spec.bodyBytes ?? 64));
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 0x1400_0010, true); // b +0x40
  view.setBigUint64(8, spec.textOffset ?? 0n, true);
  view.setBigUint64(16, spec.imageSize ?? 0x10_0000n, true);
  view.setBigUint64(24, spec.flags ?? 0xan, true); // little-endian, 4K pages, anywhere
  view.setUint32(56, spec.magic ?? 0x644d_5241, true);
  return bytes;
}
