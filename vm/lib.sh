# shellcheck shell=bash
# Helpers shared by the vm/ scripts. Source it; it defines functions only.

# Print a message on stderr, prefixed so it stands out from the guest's output.
vm_say() { printf 'vm: %s\n' "$*" >&2; }
vm_die() { vm_say "error: $*"; exit "${VM_DIE_STATUS:-2}"; }

# Run a command as root: we usually are root already (containers, CI),
# sudo is only for a developer's own machine.
vm_as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# The Debian kernels vm/run boots, as installed versions (e.g.
# 6.1.0-56-cloud-amd64), oldest first: the cloud kernels (6.1, 6.12) and
# with "rt" the PREEMPT_RT one (6.1.0-56-rt-amd64). The version numbers move
# with every point release, so they are always discovered from /boot and
# never written down anywhere.
vm_kernels_installed() {
	local flavour=${1:-cloud} f
	for f in /boot/vmlinuz-*-"$flavour"-amd64; do
		[ -e "$f" ] && printf '%s\n' "${f#/boot/vmlinuz-}"
	done | sort -V
}

# Installed kernels (cloud and rt) that also have their Kbuild tree, i.e.
# that we can build udrv.ko for.
vm_kernels_buildable() {
	local v
	for v in $(vm_kernels_installed cloud) $(vm_kernels_installed rt); do
		[ -f "/lib/modules/$v/build/Makefile" ] && printf '%s\n' "$v"
	done
	return 0
}

# Resolve a kernel spec to an installed version: "6.1" and "6.12" mean the
# newest installed cloud kernel of that line, "rt" the newest PREEMPT_RT
# kernel that has its headers, "debug" the one vm/debug-kernel installed, a
# full version string stands for itself.
vm_kernel_resolve() {
	local spec=${1:-6.1} f v best=
	if [ -e "/boot/vmlinuz-$spec" ]; then
		printf '%s\n' "$spec"
		return 0
	fi
	if [ "$spec" = debug ]; then
		for f in /boot/vmlinuz-*-udrv-debug; do
			[ -e "$f" ] && best=${f#/boot/vmlinuz-}
		done
		[ -n "$best" ] || {
			vm_say "no debug kernel installed (build it with vm/debug-kernel)"
			return 1
		}
		printf '%s\n' "$best"
		return 0
	fi
	if [ "$spec" = rt ]; then
		# Without headers udrv.ko cannot be built for it: a kernel whose
		# headers package is gone is no candidate. The list is sorted.
		for v in $(vm_kernels_installed rt); do
			[ -f "/lib/modules/$v/build/Makefile" ] && best=$v
		done
		[ -n "$best" ] || {
			vm_say "no PREEMPT_RT kernel with headers installed (vm/deps installs linux-image-rt-amd64 linux-headers-rt-amd64)"
			return 1
		}
		printf '%s\n' "$best"
		return 0
	fi
	for v in $(vm_kernels_installed); do
		# "6.1." so that 6.1 never matches 6.12.x; the list is sorted, the
		# last match is the newest.
		case $v in "$spec".*) best=$v ;; esac
	done
	[ -n "$best" ] || {
		vm_say "no installed cloud kernel matches '$spec' (have: $(vm_kernels_installed | paste -sd " "))"
		return 1
	}
	printf '%s\n' "$best"
}

# The image QEMU boots for kernel VER: normally /boot/vmlinuz-VER. An
# XZ-compressed one (the rt kernel; the cloud kernels use LZ4 and ZSTD)
# spends ~3 s of every boot decompressing itself under TCG, so its vmlinux
# is extracted once into UDRV_VM_CACHE (default /var/cache/udrv/vmlinux) and
# booted directly through its PVH entry point. Any failure falls back to
# the compressed image: slower, never wrong.
vm_kernel_image() {
	local ver=$1 img=/boot/vmlinuz-$1 cache=${UDRV_VM_CACHE:-/var/cache/udrv/vmlinux}
	local key out off tmp f
	if ! grep -qx 'CONFIG_KERNEL_XZ=y' "/boot/config-$ver" 2>/dev/null ||
		! grep -qx 'CONFIG_PVH=y' "/boot/config-$ver"; then
		printf '%s\n' "$img"
		return 0
	fi
	# A new package build of the same version replaces the file: its size
	# and mtime are part of the name.
	key=$(stat -c '%s-%Y' "$img") || key=
	out=$cache/$ver-$key.vmlinux
	if [ -n "$key" ] && [ ! -s "$out" ]; then
		# The payload is the first XZ stream in the bzImage; what follows
		# it is not XZ (--single-stream), and tail gets SIGPIPE (<(...)
		# keeps that out of the status under pipefail).
		off=$(LC_ALL=C grep -obUaP -m1 '\xfd7zXZ\x00' "$img" | cut -d: -f1) || off=
		tmp=$cache/.$ver.$$.tmp
		if [ -n "$off" ] && mkdir -p "$cache" 2>/dev/null &&
			xz -dcq --single-stream <(tail -c "+$((off + 1))" "$img") >"$tmp" 2>/dev/null &&
			[ "$(head -c 4 "$tmp" | od -An -c | tr -d ' ')" = '177ELF' ]; then
			mv -f "$tmp" "$out"	# atomic: parallel runs may race here
			for f in "$cache/$ver"-*.vmlinux; do
				[ "$f" = "$out" ] || rm -f "$f"	# older builds
			done
		else
			rm -f "$tmp"
		fi
	fi
	if [ -z "$key" ] || [ ! -s "$out" ]; then
		vm_say "warning: cannot extract vmlinux from $img into $cache; booting it compressed"
		out=$img
	fi
	printf '%s\n' "$out"
}
