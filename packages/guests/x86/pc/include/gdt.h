/* A flat GDT of our own (the loader's may live anywhere): ring 0 code and data, base 0, 4 GiB. */
#ifndef PC_GDT_H
#define PC_GDT_H

#define GDT_KERNEL_CODE 0x08
#define GDT_KERNEL_DATA 0x10

/* Loads the GDT and reloads every segment register. */
void gdt_init(void);

#endif
