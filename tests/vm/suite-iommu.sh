#!/bin/sh
# The part of the VM suite that needs the emulated IOMMU (a boot of its own).
# shellcheck source-path=SCRIPTDIR source=suite-lib.sh
. "$(dirname "$0")/suite-lib.sh"
kmemleak.sh clear
run t_dma_iommu
run_sample edu_dma	# its scatter-gather part needs the IOMMU in a 1 GiB guest
run t_iotlb	# after t_dma_iommu, which looks for a DMAR fault of its own
# Last: it removes the edu.
run t_iommu_life
if rmmod udrv; then
	echo "ok - rmmod udrv after the IOMMU tests"
else
	echo "not ok - rmmod udrv after the IOMMU tests"
fi
kmemleak.sh check
