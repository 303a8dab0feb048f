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
