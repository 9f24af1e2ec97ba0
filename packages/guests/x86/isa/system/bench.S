/* Benchmark loops for the emulator and for QEMU (the same binary in both), selected at build
 * time with --defsym LOOP=1 (integer), 2 (memory) or 3 (memory with 4 KiB paging on). The
 * iteration count is the last number of the Multiboot command line, so one binary serves
 * every size and QEMU's boot cost can be measured with a count of 0. Exits through
 * isa-debug-exit (port 0xF4). */
        .section .text
        .code32
        .globl _start
        .align 4
multiboot:
        .long 0x1BADB002, 0, -0x1BADB002

_start:
        mov $stack_top, %esp
        mov 16(%ebx), %esi              /* command line */
        xor %ecx, %ecx
1:      movzbl (%esi), %eax
        inc %esi
        test %eax, %eax
        jz 3f
        cmp $' ', %eax
        jne 2f
        xor %ecx, %ecx
        jmp 1b
2:      sub $'0', %eax
        cmp $9, %eax
        ja 1b
        imul $10, %ecx, %ecx
        add %eax, %ecx
        jmp 1b
3:      test %ecx, %ecx
        jz done
.if LOOP == 3
        mov %ecx, %ebp
        mov $0x300000, %edi             /* page directory, then one page table */
        movl $0x301003, (%edi)
        mov $0x301000, %edi
        mov $3, %eax
        mov $1024, %ecx
4:      mov %eax, (%edi)
        add $0x1000, %eax
        add $4, %edi
        loop 4b
        mov $0x300000, %eax
        mov %eax, %cr3
        mov %cr0, %eax
        or $0x80000000, %eax
        mov %eax, %cr0
        mov %ebp, %ecx
.endif
.if LOOP == 1
        xor %eax, %eax
        mov $1, %ebx
        xor %edx, %edx
5:      add %ecx, %eax
        xor %eax, %ebx
        shl $1, %ebx
        sub $3, %edx
        dec %ecx
        jnz 5b
.else
        mov $0x200000, %esi
        xor %edx, %edx
        xor %edi, %edi
6:      mov (%esi,%edx,4), %eax
        add %eax, %edi
        mov %edi, 4(%esi,%edx,4)
        inc %edx
        and $0x3fff, %edx
        dec %ecx
        jnz 6b
.endif
done:
        mov $0, %al
        out %al, $0xf4

        .section .bss
        .align 16
        .space 4096
stack_top:
