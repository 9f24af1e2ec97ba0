/* AdvSIMD: the vectorised loops the compiler emits at -O3 and NEON intrinsics covering the
 * integer subset string routines use. */
#include <arm_neon.h>
#include "rt.h"

static u64 hash = 1469598103934665603ul;
static void mix(u64 v) {
  hash = (hash ^ v) * 0x100000001b3ul;
}
static void mixv(uint8x16_t v) {
  mix(vgetq_lane_u64(vreinterpretq_u64_u8(v), 0));
  mix(vgetq_lane_u64(vreinterpretq_u64_u8(v), 1));
}

static u8 a8[256] __attribute__((aligned(16)));
static u8 b8[256] __attribute__((aligned(16)));
static u32 a32[256], b32[256], c32[256];
static u16 a16[256];
static i64 a64[128];

static __attribute__((noinline)) void vec_loops(void) {
  for (int i = 0; i < 256; i++) c32[i] = a32[i] * 3 + (b32[i] >> 2) - (a32[i] ^ b32[i]);
  for (int i = 0; i < 256; i++) a16[i] = (u16)(a8[i] + b8[i] * 2);
  for (int i = 0; i < 128; i++) a64[i] = (i64)a32[i] - (i64)b32[i] + a64[i];
  u32 m = 0;
  for (int i = 0; i < 256; i++) m = a32[i] > m ? a32[i] : m;
  u32 s = 0;
  for (int i = 0; i < 256; i++) s += a8[i];
  mix(m);
  mix(s);
}

int main(void) {
  for (int i = 0; i < 256; i++) {
    a8[i] = (u8)next_random();
    b8[i] = (u8)next_random();
    a32[i] = (u32)next_random();
    b32[i] = (u32)next_random();
  }
  for (int i = 0; i < 128; i++) a64[i] = (i64)next_random();
  vec_loops();
  for (int i = 0; i < 256; i++) mix(c32[i] + a16[i]);
  for (int i = 0; i < 128; i++) mix((u64)a64[i]);
  show("loops", hash);

  hash = 0;
  for (int k = 0; k < 240; k += 16) {
    uint8x16_t x = vld1q_u8(a8 + k), y = vld1q_u8(b8 + k);
    mixv(vceqq_u8(x, y));
    mixv(vcgtq_u8(x, y));
    mixv(vcgeq_s8(vreinterpretq_s8_u8(x), vreinterpretq_s8_u8(y)));
    mixv(vaddq_u8(x, y));
    mixv(vsubq_u8(x, y));
    mixv(vpmaxq_u8(x, y));
    mixv(vpminq_u8(x, y));
    mixv(vpaddq_u8(x, y));
    mix(vmaxvq_u8(x));
    mix(vminvq_u8(y));
    mix(vaddvq_u8(x));
    mix(vaddlvq_u8(y));
    mixv(vandq_u8(x, y));
    mixv(vorrq_u8(x, vmvnq_u8(y)));
    mixv(veorq_u8(x, y));
    mixv(vbslq_u8(x, y, vdupq_n_u8(0x5a)));
    mixv(vcntq_u8(x));
    mixv(vextq_u8(x, y, 5));
    mixv(vqtbl1q_u8(x, vandq_u8(y, vdupq_n_u8(31))));
    mixv(vzip1q_u8(x, y));
    mixv(vuzp2q_u8(x, y));
    mixv(vtrn1q_u8(x, y));
    mixv(vrev64q_u8(x));
    mixv(vreinterpretq_u8_u16(vshrq_n_u16(vreinterpretq_u16_u8(x), 3)));
    mixv(vreinterpretq_u8_s32(vshrq_n_s32(vreinterpretq_s32_u8(x), 7)));
    mixv(vreinterpretq_u8_u32(vshlq_n_u32(vreinterpretq_u32_u8(x), 9)));
    mixv(vreinterpretq_u8_u16(vmovl_u8(vget_low_u8(x))));
    mixv(vreinterpretq_u8_u16(vmovl_high_u8(y)));
    mixv(vcombine_u8(vshrn_n_u16(vreinterpretq_u16_u8(x), 4), vmovn_u16(vreinterpretq_u16_u8(y))));
    mixv(vreinterpretq_u8_u16(vmull_u8(vget_low_u8(x), vget_low_u8(y))));
    mixv(vreinterpretq_u8_u32(vmulq_u32(vreinterpretq_u32_u8(x), vreinterpretq_u32_u8(y))));
    mixv(vreinterpretq_u8_u64(vaddq_u64(vreinterpretq_u64_u8(x), vreinterpretq_u64_u8(y))));
    mixv(vreinterpretq_u8_u64(vcgtq_u64(vreinterpretq_u64_u8(x), vreinterpretq_u64_u8(y))));
    mixv(vdupq_laneq_u8(x, 3));
    mixv(vsetq_lane_u8(7, y, 9));
    mix(vgetq_lane_u16(vreinterpretq_u16_u8(x), 5));
    mix((u64)vgetq_lane_s8(vreinterpretq_s8_u8(y), 2));
    mixv(vreinterpretq_u8_s8(vnegq_s8(vreinterpretq_s8_u8(x))));
    mixv(vreinterpretq_u8_s8(vabsq_s8(vreinterpretq_s8_u8(x))));
    mixv(vceqzq_u8(vandq_u8(x, vdupq_n_u8(3))));
    mixv(vreinterpretq_u8_u32(vmovq_n_u32(0xff00ff)));
    mixv(vreinterpretq_u8_u16(vbicq_u16(vreinterpretq_u16_u8(x), vdupq_n_u16(0x0f00))));
  }
  show("intrinsics", hash);
  return 0;
}
