/* Fixed-width integer names for freestanding code (no libc headers). */
#ifndef GUEST_TYPES_H
#define GUEST_TYPES_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long u64;
typedef long s64;
typedef unsigned long usize;

#ifndef NULL
#define NULL ((void *)0)
#endif

#endif
