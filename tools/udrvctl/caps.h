/* SPDX-License-Identifier: MIT */
/*
 * caps.h - a device's capabilities decoded from its config space, for
 * `udrvctl info`: MSI and MSI-X vector counts, the PCIe link's speed and
 * width, power management; and class names as lspci prints them (host
 * unit-tested).
 */
#ifndef UDRVCTL_CAPS_H
#define UDRVCTL_CAPS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "json.h"

/* One line per capability, "[off] Name: details", after `indent`; how many. */
size_t ctl_caps_text(FILE *f, const uint8_t *cfg, size_t len,
		     const char *indent);
/* The member "capabilities": an array of objects. */
void ctl_caps_json(struct ctl_json *j, const uint8_t *cfg, size_t len);

/* lspci's name of a class (24-bit class code), "Unclassified device"... */
const char *ctl_class_name(uint32_t class_code);

#endif /* UDRVCTL_CAPS_H */
