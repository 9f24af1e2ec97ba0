/* memset/memcpy: the compiler may emit calls to them even in freestanding code. Byte loops keep
 * every access aligned (the MMU is off, so all data is Device memory). */
#include "types.h"

void *memset(void *dest, int value, usize n) {
  volatile u8 *d = dest;
  for (usize i = 0; i < n; i++) d[i] = (u8)value;
  return dest;
}

void *memcpy(void *dest, const void *src, usize n) {
  volatile u8 *d = dest;
  const volatile u8 *s = src;
  for (usize i = 0; i < n; i++) d[i] = s[i];
  return dest;
}
