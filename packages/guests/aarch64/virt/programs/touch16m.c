/*
 * Writes one word in every 4 KiB page of the 16 MiB of RAM just above the image, then reads the
 * words back: a VMM that backs guest RAM lazily should grow by about 16 MiB, whatever -m says.
 */
#include "print.h"
#include "runtime.h"
#include "types.h"

#define PAGE 4096UL
#define TOUCHED (16UL << 20)

extern char __image_end[];

void guest_main(void) {
  u64 first = ((u64)__image_end + PAGE - 1) & ~(PAGE - 1);
  u64 pages = TOUCHED / PAGE;
  for (u64 i = 0; i < pages; i++) {
    volatile u64 *word = (volatile u64 *)(first + i * PAGE);
    *word = i + 1;
  }
  u64 bad = 0;
  for (u64 i = 0; i < pages; i++) {
    volatile u64 *word = (volatile u64 *)(first + i * PAGE);
    if (*word != i + 1) bad++;
  }
  print("touch16m: wrote ");
  print_dec(pages);
  print(" pages (16 MiB) above the image, ");
  print_dec(bad);
  print(" read back wrong\n");
}
