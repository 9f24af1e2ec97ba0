#!/usr/bin/env bash
# Installs the Debian packages the test suites need: QEMU (user and system, the oracles of the
# differential tests), the AArch64 cross compiler (guest builds) and 32-bit libraries for gcc -m32 (x86 user-mode
# differential tests). Does nothing when everything is already there.
set -euo pipefail
need=()
command -v qemu-aarch64 >/dev/null || need+=(qemu-user)
command -v qemu-system-aarch64 >/dev/null || need+=(qemu-system-arm)
command -v qemu-system-i386 >/dev/null || need+=(qemu-system-x86)
command -v aarch64-linux-gnu-gcc >/dev/null || need+=(gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu)
# gcc-multilib conflicts with the cross compiler in Debian 12; these two give gcc -m32 -static.
[ -e /usr/lib/gcc/x86_64-linux-gnu/12/32/libgcc.a ] || need+=(lib32gcc-12-dev)
[ -e /usr/lib32/libc.a ] || need+=(libc6-dev-i386)
command -v dtc >/dev/null || need+=(device-tree-compiler)
# Native as/ld: @sel4/emu-x86's tests assemble their guest snippets at test time.
command -v as >/dev/null && command -v ld >/dev/null || need+=(binutils)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "install-system-deps: need root to install: ${need[*]}" >&2
  exit 1
fi
echo "install-system-deps: installing ${need[*]}" >&2
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
