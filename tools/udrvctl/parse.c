// SPDX-License-Identifier: MIT
/*
 * parse.c - udrvctl's parsers and formatters: strict, so that a typo is
 * an error instead of an access to the wrong register.
 */
#include <string.h>
#include "parse.h"

static int digit(char c, unsigned int base)
{
	int v;

	if (c >= '0' && c <= '9')
		v = c - '0';
	else if (c >= 'a' && c <= 'f')
		v = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		v = c - 'A' + 10;
	else
		return -1;
	return (unsigned int)v < base ? v : -1;
}

/* 1..maxdig hex digits, value <= max; advances *sp. */
static int hex_field(const char **sp, int maxdig, unsigned int max,
		     unsigned int *v)
{
	const char *s = *sp;
	unsigned int x = 0;
	int n = 0, d;

	while ((d = digit(*s, 16)) >= 0) {
		if (++n > maxdig)
			return -1;
		x = x * 16 + (unsigned int)d;
		s++;
	}
	if (!n || x > max)
		return -1;
	*v = x;
	*sp = s;
	return 0;
}

int ctl_parse_bdf(const char *s, WD_PCI_SLOT *slot)
{
	unsigned int dom = 0, bus, dev, fn;
	const char *p = s, *c;
	int colons = 0;

	if (!s)
		return -1;
	for (c = s; *c; c++)
		colons += *c == ':';
	if (colons == 2) {
		if (hex_field(&p, 4, 0xffff, &dom) || *p++ != ':')
			return -1;
	} else if (colons != 1) {
		return -1;
	}
	if (hex_field(&p, 2, 0xff, &bus) || *p++ != ':' ||
	    hex_field(&p, 2, 0x1f, &dev) || *p++ != '.' ||
	    hex_field(&p, 1, 7, &fn) || *p)
		return -1;
	slot->domain = (uint16_t)dom;
	slot->bus = (uint8_t)bus;
	slot->slot = (uint8_t)dev;
	slot->function = (uint8_t)fn;
	return 0;
}

void ctl_filter_init(struct ctl_filter *f)
{
	f->domain = f->bus = f->dev = f->fn = -1;
	f->vendor = f->device = -1;
}

/* s[0..n): empty or "*" -> -1, else hex up to max. */
static int filter_field(const char *s, size_t n, unsigned int max, int *v)
{
	unsigned int x = 0;
	size_t i;
	int d;

	if (!n || (n == 1 && s[0] == '*')) {
		*v = -1;
		return 0;
	}
	if (n > 4)
		return -1;
	for (i = 0; i < n; i++) {
		d = digit(s[i], 16);
		if (d < 0)
			return -1;
		x = x * 16 + (unsigned int)d;
	}
	if (x > max)
		return -1;
	*v = (int)x;
	return 0;
}

int ctl_parse_slot_filter(const char *s, struct ctl_filter *f)
{
	const char *dot, *end, *c1, *c2 = NULL, *p;
	int colons = 0;

	if (!s)
		return -1;
	dot = strchr(s, '.');
	end = dot ? dot : s + strlen(s);
	for (p = s; p < end; p++)
		colons += *p == ':';
	if (colons > 2 || (dot && strchr(dot + 1, '.')))
		return -1;
	if (dot && filter_field(dot + 1, strlen(dot + 1), 7, &f->fn))
		return -1;
	c1 = colons ? memchr(s, ':', (size_t)(end - s)) : NULL;
	if (colons == 2)
		c2 = memchr(c1 + 1, ':', (size_t)(end - c1 - 1));
	if (colons == 2) {
		if (filter_field(s, (size_t)(c1 - s), 0xffff, &f->domain) ||
		    filter_field(c1 + 1, (size_t)(c2 - c1 - 1), 0xff, &f->bus))
			return -1;
		p = c2 + 1;
	} else if (colons == 1) {
		if (filter_field(s, (size_t)(c1 - s), 0xff, &f->bus))
			return -1;
		p = c1 + 1;
	} else {
		p = s;
	}
	return filter_field(p, (size_t)(end - p), 0x1f, &f->dev);
}

int ctl_parse_id_filter(const char *s, struct ctl_filter *f)
{
	const char *c;

	if (!s)
		return -1;
	c = strchr(s, ':');
	if (!c || strchr(c + 1, ':'))
		return -1;
	return filter_field(s, (size_t)(c - s), 0xffff, &f->vendor) ||
	       filter_field(c + 1, strlen(c + 1), 0xffff, &f->device) ? -1 : 0;
}

bool ctl_filter_match(const struct ctl_filter *f, WD_PCI_SLOT slot,
		      WD_PCI_ID id)
{
	return (f->domain < 0 || f->domain == slot.domain) &&
	       (f->bus < 0 || f->bus == slot.bus) &&
	       (f->dev < 0 || f->dev == slot.slot) &&
	       (f->fn < 0 || f->fn == slot.function) &&
	       (f->vendor < 0 || f->vendor == id.vendor) &&
	       (f->device < 0 || f->device == id.device);
}

char *ctl_fmt_bdf(WD_PCI_SLOT slot, char buf[CTL_BDF_LEN])
{
	snprintf(buf, CTL_BDF_LEN, "%04x:%02x:%02x.%x", slot.domain,
		 slot.bus, slot.slot & 0x1fu, slot.function & 7u);
	return buf;
}

static int parse_base(const char *s, uint64_t *v, unsigned int base)
{
	uint64_t x = 0;
	int d, n = 0;

	if (!s)
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (; *s; s++, n++) {
		d = digit(*s, base);
		if (d < 0 || x > (UINT64_MAX - (unsigned int)d) / base)
			return -1;
		x = x * base + (unsigned int)d;
	}
	if (!n)
		return -1;
	*v = x;
	return 0;
}

int ctl_parse_u64(const char *s, uint64_t *v)
{
	return parse_base(s, v, 10);
}

int ctl_parse_hex64(const char *s, uint64_t *v)
{
	return parse_base(s, v, 16);
}

int ctl_parse_hex32(const char *s, uint32_t *v)
{
	uint64_t x;

	if (ctl_parse_hex64(s, &x) || x > UINT32_MAX)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

int ctl_parse_u32(const char *s, uint32_t *v)
{
	uint64_t x;

	if (ctl_parse_u64(s, &x) || x > UINT32_MAX)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

int ctl_parse_width(const char *s, uint32_t max, uint32_t *w)
{
	uint32_t x;

	if (ctl_parse_u32(s, &x) || x > max ||
	    (x != 1 && x != 2 && x != 4 && x != 8))
		return -1;
	*w = x;
	return 0;
}

char *ctl_fmt_size(uint64_t size, char *buf, size_t len)
{
	static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB" };
	int i;

	for (i = 3; i >= 0; i--) {
		uint64_t u = 1ULL << (10 * (i + 1));

		if (size >= u && !(size % u)) {
			snprintf(buf, len, "%llu %s",
				 (unsigned long long)(size / u), unit[i]);
			return buf;
		}
	}
	snprintf(buf, len, "%llu bytes", (unsigned long long)size);
	return buf;
}

void ctl_dump_cfg(FILE *f, const uint8_t *buf, size_t len)
{
	int digits = len > 256 ? 3 : 2;
	size_t i;

	for (i = 0; i < len; i++) {
		if (!(i % 16))
			fprintf(f, "%0*zx:", digits, i);
		fprintf(f, " %02x", buf[i]);
		if (i % 16 == 15 || i + 1 == len)
			fputc('\n', f);
	}
}

void ctl_dump_bar(FILE *f, uint64_t base, const uint8_t *buf, size_t len,
		  uint32_t width)
{
	size_t i;
	uint32_t k;

	for (i = 0; i < len; i += width) {
		uint64_t v = 0;

		if (!(i % 16))
			fprintf(f, "%08llx:", (unsigned long long)(base + i));
		for (k = 0; k < width; k++)	/* little-endian */
			v |= (uint64_t)buf[i + k] << (8 * k);
		fprintf(f, " %0*llx", (int)(2 * width), (unsigned long long)v);
		if ((i + width) % 16 == 0 || i + width >= len)
			fputc('\n', f);
	}
}
