// SPDX-License-Identifier: MIT
/*
 * layout - what the C compiler says about the structures and constants
 * python/udrv/_lib.py mirrors: "NAME.FIELD OFFSET", "NAME SIZE",
 * "CONSTANT VALUE".  tests/test_host.py compares them with ctypes.
 */
#include <stddef.h>
#include <stdio.h>
#include <udrv/wdc.h>

#define S(t)	 printf("%s %zu\n", #t, sizeof(t))
#define F(t, f)	 printf("%s.%s %zu\n", #t, #f, offsetof(t, f))
#define C(c)	 printf("%s %llu\n", #c, (unsigned long long)(c))
/* the agent's ABI structures test_host.py's fake agent fills */
#define SA(t)	 printf("%s %zu\n", #t, sizeof(struct t))
#define FA(t, f) printf("%s.%s %zu\n", #t, #f, offsetof(struct t, f))

int main(void)
{
	S(WD_PCI_SLOT); F(WD_PCI_SLOT, domain); F(WD_PCI_SLOT, bus);
	F(WD_PCI_SLOT, slot); F(WD_PCI_SLOT, function);
	S(WD_PCI_ID); F(WD_PCI_ID, vendor); F(WD_PCI_ID, device);
	S(WDC_PCI_SCAN_RESULT); F(WDC_PCI_SCAN_RESULT, count);
	F(WDC_PCI_SCAN_RESULT, id); F(WDC_PCI_SCAN_RESULT, slot);
	S(WD_ITEM); F(WD_ITEM, type); F(WD_ITEM, bar); F(WD_ITEM, phys_addr);
	F(WD_ITEM, length); F(WD_ITEM, flags); F(WD_ITEM, irq);
	S(WD_PCI_CARD_INFO); F(WD_PCI_CARD_INFO, slot); F(WD_PCI_CARD_INFO, id);
	F(WD_PCI_CARD_INFO, subsys_vendor); F(WD_PCI_CARD_INFO, subsys_device);
	F(WD_PCI_CARD_INFO, class_code); F(WD_PCI_CARD_INFO, revision);
	F(WD_PCI_CARD_INFO, caps); F(WD_PCI_CARD_INFO, msi_vectors);
	F(WD_PCI_CARD_INFO, msix_vectors); F(WD_PCI_CARD_INFO, bound);
	F(WD_PCI_CARD_INFO, num_items); F(WD_PCI_CARD_INFO, item);
	F(WD_PCI_CARD_INFO, cfg_size);
	S(WD_TRANSFER); F(WD_TRANSFER, addr); F(WD_TRANSFER, bar);
	F(WD_TRANSFER, cmd); F(WD_TRANSFER, bytes); F(WD_TRANSFER, options);
	F(WD_TRANSFER, data);
	S(WD_TRANSFER_LIST); F(WD_TRANSFER_LIST, hCard);
	F(WD_TRANSFER_LIST, handle); F(WD_TRANSFER_LIST, serial);
	F(WD_TRANSFER_LIST, num); F(WD_TRANSFER_LIST, reserved);
	S(WD_INTERRUPT); F(WD_INTERRUPT, hInterrupt); F(WD_INTERRUPT, options);
	F(WD_INTERRUPT, cmds); F(WD_INTERRUPT, num_cmds);
	F(WD_INTERRUPT, hKernelPlugIn); F(WD_INTERRUPT, count);
	F(WD_INTERRUPT, lost); F(WD_INTERRUPT, stopped);
	F(WD_INTERRUPT, last_message); F(WD_INTERRUPT, vectors);
	F(WD_INTERRUPT, enabled_type); F(WD_INTERRUPT, kp_message);
	F(WD_INTERRUPT, kp_data); F(WD_INTERRUPT, kp_size);
	F(WD_INTERRUPT, kp_count);
	S(WD_DMA_PAGE); F(WD_DMA_PAGE, bus_addr); F(WD_DMA_PAGE, length);
	S(WD_DMA); F(WD_DMA, hDma); F(WD_DMA, user_addr); F(WD_DMA, bytes);
	F(WD_DMA, options); F(WD_DMA, num_pages); F(WD_DMA, pages);

	C(WD_PCI_CARDS); C(WD_CARD_ITEMS); C(UDRV_MAX_BARS); C(UDRV_MAX_INT_CMDS);
	C(UDRV_MAX_MULTI);
	C(UDRV_KP_MAX_OPEN_DATA); C(UDRV_KP_MAX_CALL_DATA);
	C(WD_ITEM_MEM); C(WD_ITEM_IO); C(WD_ITEM_INTERRUPT);
	C(WD_ITEM_PREFETCHABLE); C(WD_ITEM_64BIT); C(WD_ITEM_MAPPABLE);
	C(WD_CAP_INTX); C(WD_CAP_MSI); C(WD_CAP_MSIX); C(WD_CAP_PCIE);
	C(RM_BYTE); C(RM_WORD); C(RM_DWORD); C(RM_QWORD);
	C(WM_BYTE); C(WM_WORD); C(WM_DWORD); C(WM_QWORD);
	C(RP_BYTE); C(RP_DWORD); C(WP_WORD); C(CMD_MASK); C(WD_INT_ACCUMULATE);
	C(WDC_NO_AUTOINC);
	C(INTERRUPT_LEVEL_SENSITIVE); C(INTERRUPT_MESSAGE);
	C(INTERRUPT_MESSAGE_X); C(INTERRUPT_CMD_COPY);
	C(WD_DMA_TO_DEVICE); C(WD_DMA_FROM_DEVICE); C(WD_DMA_TO_FROM_DEVICE);
	C(DMA_ALLOW_64BIT_ADDRESS);
	C(WD_STATUS_COUNT);

	SA(udrv_int_enable); FA(udrv_int_enable, hcard);
	FA(udrv_int_enable, enabled_type);
	SA(udrv_int_fd); FA(udrv_int_fd, hcard); FA(udrv_int_fd, fd);
	FA(udrv_int_fd, flags);
	SA(udrv_int_status); FA(udrv_int_status, count);
	FA(udrv_int_status, lost); FA(udrv_int_status, stopped);
	FA(udrv_int_status, last_message); FA(udrv_int_status, vectors);
	FA(udrv_int_status, enabled_type); FA(udrv_int_status, kp_count);
	SA(udrv_xlist_prepare); FA(udrv_xlist_prepare, hcard);
	FA(udrv_xlist_prepare, num); FA(udrv_xlist_prepare, cmds);
	FA(udrv_xlist_prepare, serial); FA(udrv_xlist_prepare, handle);
	SA(udrv_xlist_run); FA(udrv_xlist_run, handle);
	FA(udrv_xlist_run, serial); FA(udrv_xlist_run, num);
	FA(udrv_xlist_run, cmds);
	SA(udrv_xlist_free); FA(udrv_xlist_free, handle);
	FA(udrv_xlist_free, serial);
	C(UDRV_IOC_INT_ENABLE); C(UDRV_IOC_INT_DISABLE); C(UDRV_IOC_INT_FD);
	C(UDRV_INT_FD_STATUS); C(UDRV_IOC_XLIST_PREPARE);
	C(UDRV_IOC_XLIST_RUN); C(UDRV_IOC_XLIST_FREE);
	return 0;
}
