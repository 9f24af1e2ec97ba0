#!/bin/sh
# Runs a Multiboot ELF under qemu-system-i386 -singlestep -d cpu,nochain and prints, for every
# instruction from the ELF entry point on, one line: EIP EAX EBX ECX EDX ESI EDI EBP ESP EFL
# CR0 CR2 CR3 CS SS DS.
set -e
elf="$1"
log=$(mktemp)
entry=$(readelf -h "$elf" | awk '/Entry point/ {print $4}' | sed 's/0x//')
entry=$(printf '%08x' "0x$entry")
timeout 30 qemu-system-i386 -M pc -cpu pentium3 -m 32 -kernel "$elf" -display none -no-reboot \
  -device isa-debug-exit,iobase=0xf4,iosize=0x04 -singlestep -d cpu,nochain -dfilter 0x100000+0x100000,0x20000+0x1000 \
  -D "$log" || true
awk -v entry="$entry" '
  /^EAX=/ { split($0, a, /[= ]+/); eax=a[2]; ebx=a[4]; ecx=a[6]; edx=a[8] }
  /^ESI=/ { split($0, a, /[= ]+/); esi=a[2]; edi=a[4]; ebp=a[6]; esp=a[8] }
  /^EIP=/ { split($0, a, /[= ]+/); eip=a[2]; efl=a[4] }
  /^CS =/ { cs=substr($0, 5, 4) }
  /^SS =/ { ss=substr($0, 5, 4) }
  /^DS =/ { ds=substr($0, 5, 4) }
  /^CR0=/ {
    split($0, a, /[= ]+/); cr0=a[2]; cr2=a[4]; cr3=a[6]
    if (eip == entry) started = 1
    if (started) print eip, eax, ebx, ecx, edx, esi, edi, ebp, esp, efl, cr0, cr2, cr3, cs, ss, ds
  }' "$log"
rm -f "$log"
