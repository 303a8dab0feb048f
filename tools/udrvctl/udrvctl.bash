# bash completion for udrvctl(1)                        -*- shell-script -*-
# SPDX-License-Identifier: MIT
# Installed as $(PREFIX)/share/bash-completion/completions/udrvctl.

_udrvctl_bdfs()
{
	local d
	for d in "${UDRV_SYSFS:-/sys}"/bus/pci/devices/*; do
		[ -e "$d" ] && printf '%s\n' "${d##*/}"
	done
}

_udrvctl_regs()
{
	printf '%s\n' VENDOR_ID DEVICE_ID COMMAND STATUS REVISION CLASS_PROG \
		CLASS_DEVICE CACHE_LINE_SIZE LATENCY_TIMER HEADER_TYPE BIST \
		BASE_ADDRESS_0 BASE_ADDRESS_1 BASE_ADDRESS_2 BASE_ADDRESS_3 \
		BASE_ADDRESS_4 BASE_ADDRESS_5 CARDBUS_CIS SUBSYSTEM_VENDOR_ID \
		SUBSYSTEM_ID ROM_ADDRESS CAPABILITY_LIST INTERRUPT_LINE \
		INTERRUPT_PIN MIN_GNT MAX_LAT PRIMARY_BUS SECONDARY_BUS \
		SUBORDINATE_BUS SEC_LATENCY_TIMER IO_BASE IO_LIMIT SEC_STATUS \
		MEMORY_BASE MEMORY_LIMIT PREF_MEMORY_BASE PREF_MEMORY_LIMIT \
		PREF_BASE_UPPER32 PREF_LIMIT_UPPER32 IO_BASE_UPPER16 \
		IO_LIMIT_UPPER16 BRIDGE_ROM_ADDRESS BRIDGE_CONTROL \
		CAP_PM CAP_AGP CAP_VPD CAP_SLOTID CAP_MSI CAP_CHSWP CAP_PCIX \
		CAP_HT CAP_VNDR CAP_DBG CAP_CCRC CAP_HOTPLUG CAP_SSVID CAP_AGP3 \
		CAP_SECURE CAP_EXP CAP_MSIX CAP_SATA CAP_AF CAP_EA CAP_FPB \
		ECAP_AER ECAP_VC ECAP_DSN ECAP_PB ECAP_RCLINK ECAP_RCILINK \
		ECAP_RCEC ECAP_MFVC ECAP_VC2 ECAP_RBCB ECAP_VNDR ECAP_ACS \
		ECAP_ARI ECAP_ATS ECAP_SRIOV ECAP_MRIOV ECAP_MCAST ECAP_PRI \
		ECAP_REBAR ECAP_DPA ECAP_TPH ECAP_LTR ECAP_SECPCI ECAP_PMUX \
		ECAP_PASID ECAP_LNR ECAP_DPC ECAP_L1PM ECAP_PTM ECAP_DVSEC
}

_udrvctl()
{
	local cur prev cmd i nargs=0
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	local cmds="list info bind unbind cfg read write dump irq dma kp autobind events gen log"

	if [ "$COMP_CWORD" -eq 1 ]; then
		mapfile -t COMPREPLY < <(compgen -W "$cmds --help" -- "$cur")
		return
	fi
	cmd=${COMP_WORDS[1]}
	# Positional arguments before this one (options and their values aside).
	for ((i = 2; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-s | -d | --status | --mask | --ack | --count | --timeout | --dev) ((i++)) ;;
		-*) ;;
		*) ((nargs++)) ;;
		esac
	done
	case $prev in
	-s | --dev)
		mapfile -t COMPREPLY < <(compgen -W "$(_udrvctl_bdfs)" -- "$cur")
		return ;;
	-d | --status | --mask | --ack | --count | --timeout)
		return ;;
	esac
	case $cmd in
	list)
		mapfile -t COMPREPLY < <(compgen -W "-v -nn -s -d --json --help" -- "$cur") ;;
	info)
		if [ "$nargs" -eq 0 ] && [[ $cur != -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$(_udrvctl_bdfs)" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "--json --help" -- "$cur")
		fi ;;
	bind | unbind | read | write | dump | dma | irq)
		if [ "$nargs" -eq 0 ] && [[ $cur != -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$(_udrvctl_bdfs)" -- "$cur")
		elif [ "$cmd" = irq ]; then
			mapfile -t COMPREPLY < <(compgen -W "--msi --msix --intx --status --mask --ack --count --timeout --help" -- "$cur")
		elif [ "$cmd" = dma ]; then
			mapfile -t COMPREPLY < <(compgen -W "--sg --mask --help" -- "$cur")
		elif [ "$cmd" = read ]; then
			mapfile -t COMPREPLY < <(compgen -W "--json --help" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "--help" -- "$cur")
		fi ;;
	cfg)
		if [ "$nargs" -eq 0 ] && [[ $cur != -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$(_udrvctl_bdfs)" -- "$cur")
		elif [ "$nargs" -eq 1 ] && [[ $cur != -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$(_udrvctl_regs)" -- "${cur^^}")
		else
			mapfile -t COMPREPLY < <(compgen -W "--json --help" -- "$cur")
		fi ;;
	kp)
		if [ "$nargs" -eq 0 ]; then
			mapfile -t COMPREPLY < <(compgen -W "list call --help" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "--dev --help" -- "$cur")
		fi ;;
	autobind)
		[ "$nargs" -eq 0 ] &&
			mapfile -t COMPREPLY < <(compgen -W "add del clear --help" -- "$cur") ;;
	events)
		mapfile -t COMPREPLY < <(compgen -W "-d --count --timeout --help" -- "$cur") ;;
	*)
		mapfile -t COMPREPLY < <(compgen -W "--help" -- "$cur") ;;
	esac
}
complete -F _udrvctl udrvctl
