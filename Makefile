# udrv - top-level build.
#
#   make              libudrv (static + shared), udrvctl, examples, host tests
#   make module       udrv.ko against KDIR (default: the running kernel's
#                     headers; fails naming the package when they are missing)
#   make static       statically linked guest programs into build/static/bin
#   make check        host tests (plain + ASan/UBSan) and the VM suite on both
#                     kernel lines; ends with "N passed, N failed"
#   make check-debug  the VM suite and a longer fuzzer run on a KASAN/lockdep
#                     debug kernel (vm/debug-kernel: built once per machine,
#                     ~8 min, then cached); ends with "N passed, N failed"
#   make demo         boots the VM with edu and runs the sample driver
#   make bench        register, interrupt, DMA and scale benchmarks in the VM
#   make install      PREFIX/DESTDIR: headers, libudrv, udrv.pc, udrvctl
#                     with its man page and bash completion
#                     udrv(7), the udev rule (UDEVRULESDIR), the
#                     modprobe.d/modules-load.d examples; ldconfig
#   make modules_install  udrv.ko (built by make module, same KDIR) into
#                     INSTALL_MOD_PATH (default DESTDIR)/lib/modules/VER/updates,
#                     then depmod for that kernel
#   make dkms-src     the module's source tree with dkms.conf into
#                     DESTDIR/usr/src/udrv-VERSION (builds on its own)
#   make install-dkms dkms-src, then dkms add + dkms install (root)

VERSION   := 0.1.0
PREFIX    ?= /usr/local
# Outside PREFIX: systemd-udevd reads /usr/lib/udev/rules.d on every
# layout (Debian's /lib/udev/rules.d only through the merged-/usr link).
UDEVRULESDIR ?= /usr/lib/udev/rules.d
DESTDIR   ?=
CC        ?= cc
CFLAGS    ?= -O2 -g
B         := build

WARN      := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
             -Wmissing-prototypes
CPPFLAGS  += -D_GNU_SOURCE -Iinclude -Iinclude/uapi -Iinclude/udrv -Ilib -Icommon \
             -DUDRV_VERSION='"$(VERSION)"'
SANFLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer \
             -fno-sanitize-recover=all

LIB_SRCS  := $(wildcard lib/*.c)
CTL_SRCS  := $(wildcard tools/udrvctl/*.c)
# udrvctl gen's templates (tools/udrvctl/gen/*.in), embedded as C strings
CTL_SRCS  += $(B)/gen/gen_tpl_data.c
CTL_MAIN  := tools/udrvctl/main.c
CTL_LIB   := $(filter-out $(CTL_MAIN),$(CTL_SRCS))
UNIT_SRCS := $(wildcard tests/unit/*.c)
VM_SRCS   := $(wildcard tests/vm/*.c)
VM_COMMON := $(wildcard tests/vm/common/*.c)
EX_SRCS   := $(wildcard examples/*/*.c)
BENCH_SRCS:= $(filter-out bench/bench_kp.c,$(wildcard bench/*.c))

# KDIR: the running kernel's build tree. Never another kernel's by guess: a
# module built for another kernel cannot be loaded into this one ("make
# module" says which headers package is missing). The project's VM builds
# name their kernel: KDIR=/lib/modules/VERSION/build.
KRUN := $(shell uname -r)
KDIR ?= /lib/modules/$(KRUN)/build
KOUT  = $(B)/kmod/$(shell basename $$(dirname $(KDIR)))
# What kernel/Kbuild needs from here: the includes' top, the version for
# MODULE_VERSION, and -Werror (the project's builds; not DKMS's).
KMOD_VARS = UDRV_TOP=$(abspath .) UDRV_VERSION=$(VERSION) UDRV_WERROR=1

.PHONY: all lib examples unit module kp-test-modules guest static check check-host check-vm check-debug demo bench \
        install clean checkpatch modules_install dkms-src install-dkms

all: lib $(B)/bin/udrvctl examples unit

# ---- libudrv -------------------------------------------------------------
$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -fPIC -MMD -MP -c $< -o $@

$(B)/san/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) $(SANFLAGS) -MMD -MP -c $< -o $@

# UDRV_STATIC: no dlopen (a static program cannot load a KP's .so).
$(B)/static-obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -DUDRV_STATIC $(WARN) $(CFLAGS) -MMD -MP -c $< -o $@

LIB_OBJS := $(LIB_SRCS:%.c=$(B)/obj/%.o)

lib: $(B)/lib/libudrv.a $(B)/lib/libudrv.so

$(B)/lib/libudrv.a: $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

# libudrv.so exports exactly the functions the public headers declare
# (lib/exports.sh); the test hooks and internal calls stay inside. Programs
# that need those (unit tests, udrvctl) link the objects or libudrv.a.
$(B)/lib/libudrv.map: lib/exports.sh $(wildcard include/udrv/*.h include/uapi/*.h)
	@mkdir -p $(dir $@)
	{ echo "{ global:"; CC="$(CC)" lib/exports.sh . | sed 's/.*/  &;/'; echo "  local: *; };"; } > $@.tmp
	mv $@.tmp $@

$(B)/lib/libudrv.so: $(LIB_OBJS) $(B)/lib/libudrv.map
	@mkdir -p $(dir $@)
	$(CC) -shared -Wl,-soname,libudrv.so.0 -Wl,--version-script,$(B)/lib/libudrv.map \
		-o $@ $(LIB_OBJS) -lpthread -ldl

# The same library with every symbol, test hooks included: only for the
# Python binding's host test (tests/unit/python.sh), which drives a fake
# device through udrv_test_fake_device.  Never installed.
$(B)/tests/lib/libudrv_hooks.so: $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) -shared -Wl,-soname,libudrv.so.0 -o $@ $(LIB_OBJS) -lpthread -ldl

$(B)/bin/udrvctl: $(CTL_SRCS:%.c=$(B)/obj/%.o) $(B)/lib/libudrv.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ -lpthread

GEN_TPLS := $(sort $(wildcard tools/udrvctl/gen/*.in))
$(B)/gen/gen_tpl_data.c: $(GEN_TPLS) tools/udrvctl/gen/embed.awk
	@mkdir -p $(dir $@)
	awk -f tools/udrvctl/gen/embed.awk $(GEN_TPLS) > $@
%/gen_tpl_data.o: CPPFLAGS += -Itools/udrvctl

# ---- examples ------------------------------------------------------------
define host_example
$(B)/bin/$(basename $(notdir $(1))): $(1:%.c=$(B)/obj/%.o) $(B)/lib/libudrv.a
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS) -o $$@ $$^ -lpthread
EX_BINS += $(B)/bin/$(basename $(notdir $(1)))
endef
EX_BINS :=
$(foreach s,$(EX_SRCS),$(eval $(call host_example,$(s))))
examples: $(EX_BINS)

# ---- host unit tests (plain and sanitized) -------------------------------
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/unit/%)
UNIT_SAN  := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/san/%)
unit: $(UNIT_BINS) $(UNIT_SAN) $(B)/tests/kp/t_ukp.so $(B)/tests/kp/t_ukp_san.so

# test_kp's Kernel PlugIn, in user mode: plain and sanitized (kp.mk SAN=1)
$(B)/tests/kp/t_ukp.so: tests/unit/kp/t_ukp.c kp/kp.mk
	$(MAKE) -s -f kp/kp.mk UDRV_INCLUDE="include include/uapi" KP=t_ukp SRCS=$< OUT=$(dir $@) so
$(B)/tests/kp/t_ukp_san.so: tests/unit/kp/t_ukp.c kp/kp.mk
	@mkdir -p $(dir $@)
	$(MAKE) -s -f kp/kp.mk UDRV_INCLUDE="include include/uapi" KP=t_ukp SRCS=$< OUT=$(B)/tests/kp/san SAN=1 so
	mv $(B)/tests/kp/san/t_ukp.so $@

$(B)/tests/unit/%: $(B)/obj/tests/unit/%.o $(LIB_OBJS) \
		   $(CTL_LIB:%.c=$(B)/obj/%.o)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -rdynamic -o $@ $^ -lpthread

$(B)/tests/san/%: $(B)/san/tests/unit/%.o $(LIB_SRCS:%.c=$(B)/san/%.o) \
		  $(CTL_LIB:%.c=$(B)/san/%.o)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SANFLAGS) -rdynamic -o $@ $^ -lpthread

# ---- statically linked programs for the guest ----------------------------
# Everything lands flat in build/static/bin, which the VM harness copies
# into the guest's /bin.
SLIB := $(LIB_SRCS:%.c=$(B)/static-obj/%.o)
SOBJ = $(1:%.c=$(B)/static-obj/%.o)
define static_prog
$(B)/static/bin/$(1): $(call SOBJ,$(2)) $(SLIB)
	@mkdir -p $$(dir $$@)
	$$(CC) -static $$(CFLAGS) -o $$@ $$^ -lpthread
STATIC_BINS += $(B)/static/bin/$(1)
endef
STATIC_BINS :=
$(eval $(call static_prog,udrvctl,$(CTL_SRCS)))
$(foreach s,$(VM_SRCS),$(eval $(call static_prog,$(basename $(notdir $(s))),$(s) $(VM_COMMON))))
# t_fuzz is split into parts of its own (each rule's $^ takes them in).
$(B)/static/bin/t_fuzz: $(call SOBJ,$(wildcard tests/vm/fuzz/*.c))
$(foreach s,$(EX_SRCS) $(BENCH_SRCS),$(eval $(call static_prog,$(basename $(notdir $(s))),$(s))))
STATIC_SCRIPTS := $(patsubst %,$(B)/static/bin/%,$(notdir $(wildcard tests/vm/*.sh bench/*.sh)))

static: $(STATIC_BINS) $(STATIC_SCRIPTS) guest

$(B)/static/bin/%.sh: tests/vm/%.sh
	@mkdir -p $(dir $@)
	install -m 0755 $< $@
$(B)/static/bin/%.sh: bench/%.sh
	@mkdir -p $(dir $@)
	install -m 0755 $< $@

# ---- one 32-bit program: the agent refuses 32-bit callers (tests/vm/m32) --
# Needs gcc -m32 with a static 32-bit libc (gcc-multilib, see vm/deps).
M32_SRCS := $(wildcard tests/vm/m32/*.c) $(VM_COMMON) $(LIB_SRCS)
$(B)/static32-obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) -m32 -D_FILE_OFFSET_BITS=64 -DUDRV_STATIC $(CPPFLAGS) $(WARN) $(CFLAGS) -MMD -MP -c $< -o $@
$(B)/static/bin/t_m32: $(M32_SRCS:%.c=$(B)/static32-obj/%.o)
	@mkdir -p $(dir $@)
	$(CC) -m32 -static $(CFLAGS) -o $@ $^ -lpthread
static: $(B)/static/bin/t_m32

# ---- bench/peers: the interrupt benchmark's peers (bench/irq.sh) ---------
# irq_uio, irq_vfio: self-contained static programs without libudrv.
PEER_BINS := $(patsubst bench/peers/%.c,$(B)/static/bin/%,$(wildcard bench/peers/*.c))
static: $(PEER_BINS)
$(PEER_BINS): $(B)/static/bin/%: $(B)/static-obj/bench/peers/%.o
	@mkdir -p $(dir $@)
	$(CC) -static $(CFLAGS) -o $@ $^

# ---- Kernel PlugIns: the sample's, built with the users' kp.mk ------------
# User mode: the .so and the dynamically linked programs that load it (a
# static program cannot), laid out under build/guest as in the guest.
KPMK := $(MAKE) -s -f kp/kp.mk UDRV_INCLUDE="include include/uapi"
GUEST_BINS := $(B)/guest/bin/edu_kp_app $(B)/guest/bin/bench_kp
GUEST_SOS := $(B)/guest/lib/udrv/edu_kp.so

EDU_KP_SRCS := examples/edu/kp/edu_kp.c examples/edu/kp/edu_kp_irq.c
$(B)/guest/lib/udrv/edu_kp.so: $(EDU_KP_SRCS) $(wildcard examples/edu/kp/*.h) kp/kp.mk
	$(KPMK) KP=edu_kp SRCS="$(EDU_KP_SRCS)" OUT=$(dir $@) so

$(B)/guest/bin/edu_kp_app: $(B)/obj/examples/edu/kp/edu_kp_app.o $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -rdynamic -o $@ $^ -lpthread

$(B)/guest/bin/bench_kp: $(B)/obj/bench/bench_kp.o $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -rdynamic -o $@ $^ -lpthread

guest: $(GUEST_BINS) $(GUEST_SOS)

# ---- kernel module -------------------------------------------------------
# copy_changed FILES,DIR: copy only the files whose content differs from
# the copy in DIR.  A plain cp gives every copy a new mtime, and Kbuild then
# rebuilds the whole module on every vm/run (40 s a boot); cp -p would keep
# an old mtime for a file restored from elsewhere with new content.
copy_changed = for f in $(1); do cmp -s "$$f" "$(2)/$${f\#\#*/}" || cp "$$f" "$(2)/" || exit 1; done

# Kbuild writes its objects next to the sources, so each kernel gets its own
# copy of kernel/ under build/kmod/<version>: the two kernel lines can be
# built one after the other without cleaning.
module:
	@test -d "$(KDIR)" || { \
	  if [ "$(KDIR)" = "/lib/modules/$(KRUN)/build" ]; then \
	    echo "no kernel headers for the running kernel $(KRUN) ($(KDIR) is missing):" \
	         "install linux-headers-$(KRUN), or build for another kernel with KDIR=/lib/modules/VERSION/build" >&2; \
	  else echo "no kernel build tree at '$(KDIR)' (KDIR)" >&2; fi; exit 1; }
	@mkdir -p $(KOUT)
	@$(call copy_changed,kernel/*.c kernel/*.h kernel/Kbuild,$(KOUT))
	$(MAKE) -C $(KDIR) M=$(abspath $(KOUT)) $(KMOD_VARS) modules
	@# Said every time: a module for another kernel than the running one
	@# cannot be insmod-ed here.
	@echo "udrv.ko built for kernel $(notdir $(KOUT)): $(KOUT)/udrv.ko"

# The test Kernel PlugIns of tests/vm/t_kp.c (vm/run copies them into the
# guest's /lib/udrv), against the udrv.ko built above.
KPT_OUT = $(B)/kp-test/$(shell basename $$(dirname $(KDIR)))
# The edu sample's KP lands there too, built with the users' kp.mk.
kp-test-modules: module
	@mkdir -p $(KPT_OUT)
	@$(call copy_changed,tests/vm/kp/*.c tests/vm/kp/*.h tests/vm/kp/Kbuild,$(KPT_OUT))
	$(MAKE) -C $(KDIR) M=$(abspath $(KPT_OUT)) UDRV_TOP=$(abspath .) \
		KBUILD_EXTRA_SYMBOLS=$(abspath $(KOUT))/Module.symvers modules
	$(KPMK) KP=edu_kp SRCS="$(EDU_KP_SRCS)" KDIR=$(KDIR) \
		UDRV_SYMVERS=$(KOUT)/Module.symvers OUT=$(KPT_OUT) ko

# ---- the module on a real machine: modules_install, DKMS ----------------
# The kernel release udrv.ko was built for (its vermagic), the directory
# modprobe looks under: Debian's 6.1 headers record the upstream version in
# include/config/kernel.release, not 6.1.0-N-cloud-amd64.
KREL = $(shell modinfo -F vermagic $(KOUT)/udrv.ko 2>/dev/null | cut -d' ' -f1)
INSTALL_MOD_PATH ?= $(DESTDIR)
# Kbuild's own modules_install (it compresses as the kernel's config says:
# .ko.xz on 6.12) into updates/, which modprobe prefers over the kernel's
# own tree. Not signed: the distribution's key is not on the machine
# (CONFIG_MODULE_SIG_ALL would only print sign-file errors); under Secure
# Boot use DKMS, which signs with its own enrolled key. Kbuild skips depmod
# without a System.map, which headers packages lack: depmod runs here.
modules_install:
	@test -f $(KOUT)/udrv.ko || { echo "no $(KOUT)/udrv.ko: run make module$(if $(filter command line,$(origin KDIR)), KDIR=$(KDIR)) first" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(abspath $(KOUT)) $(KMOD_VARS) INSTALL_MOD_DIR=updates \
		INSTALL_MOD_PATH=$(abspath $(INSTALL_MOD_PATH)) CONFIG_MODULE_SIG_ALL= modules_install
	depmod -a $(if $(INSTALL_MOD_PATH),-b $(abspath $(INSTALL_MOD_PATH))) $(KREL)

# The source tree DKMS builds from: kernel/ flat, the headers it includes
# and VERSION (kernel/Kbuild finds both there), dkms.conf.
DKMS_SRC = $(DESTDIR)/usr/src/udrv-$(VERSION)
dkms-src:
	install -d $(DKMS_SRC)/include/uapi $(DKMS_SRC)/include/udrv $(DKMS_SRC)/common
	install -m 0644 kernel/*.c kernel/*.h kernel/Kbuild $(DKMS_SRC)/
	install -m 0644 include/uapi/udrv_abi.h $(DKMS_SRC)/include/uapi/
	install -m 0644 include/udrv/*.h $(DKMS_SRC)/include/udrv/
	install -m 0644 common/*.h $(DKMS_SRC)/common/
	echo $(VERSION) > $(DKMS_SRC)/VERSION
	sed 's|@VERSION@|$(VERSION)|g' packaging/dkms/dkms.conf.in > $(DKMS_SRC)/dkms.conf

# For the running kernel, and every later one (dkms.conf: AUTOINSTALL).
install-dkms: dkms-src
	@test -z "$(DESTDIR)" || { echo "install-dkms registers with this machine's DKMS: no DESTDIR" >&2; exit 1; }
	dkms status -m udrv -v $(VERSION) | grep -q . || dkms add -m udrv -v $(VERSION)
	dkms install -m udrv -v $(VERSION)

# ---- tests, demo, bench --------------------------------------------------
check:
	tests/run-all

check-host: unit
	tests/run-host

check-vm:
	tests/run-vm

check-debug:
	tests/run-debug

demo:
	vm/run -- 'edu_demo && edu_irq'

bench:
	bench/run
	bench/run-irq
	bench/run-dma
	bench/run-kp
	bench/run-scale

checkpatch:
	tools/checkpatch/run

# ---- install -------------------------------------------------------------
install: lib $(B)/bin/udrvctl
	install -d $(DESTDIR)$(PREFIX)/include/udrv $(DESTDIR)$(PREFIX)/lib/pkgconfig \
		$(DESTDIR)$(PREFIX)/bin
	install -m 0644 include/udrv/*.h include/uapi/udrv_abi.h \
		$(DESTDIR)$(PREFIX)/include/udrv/
	install -m 0644 $(B)/lib/libudrv.a $(DESTDIR)$(PREFIX)/lib/
	install -m 0755 $(B)/lib/libudrv.so $(DESTDIR)$(PREFIX)/lib/libudrv.so.0
	ln -sf libudrv.so.0 $(DESTDIR)$(PREFIX)/lib/libudrv.so
	install -m 0755 $(B)/bin/udrvctl $(DESTDIR)$(PREFIX)/bin/
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 0644 tools/udrvctl/udrvctl.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 0644 tools/udrvctl/udrvctl.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/udrvctl
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' lib/udrv.pc.in \
		> $(DESTDIR)$(PREFIX)/lib/pkgconfig/udrv.pc
	install -d $(DESTDIR)$(PREFIX)/share/udrv
	install -m 0644 kp/kp.mk $(DESTDIR)$(PREFIX)/share/udrv/
	@# udrv.ko's exports, for building KPs against each kernel built here
	for s in $(wildcard $(B)/kmod/*/Module.symvers); do \
		d=$(DESTDIR)$(PREFIX)/share/udrv/$$(basename $$(dirname $$s)); \
		install -d $$d && install -m 0644 $$s $$d/; \
	done
	install -d $(DESTDIR)$(PREFIX)/share/man/man7 $(DESTDIR)$(UDEVRULESDIR) \
		$(DESTDIR)$(PREFIX)/share/doc/udrv/examples/modprobe.d \
		$(DESTDIR)$(PREFIX)/share/doc/udrv/examples/modules-load.d
	install -m 0644 docs/udrv.7 $(DESTDIR)$(PREFIX)/share/man/man7/
	install -m 0644 packaging/udev/70-udrv.rules $(DESTDIR)$(UDEVRULESDIR)/
	install -m 0644 packaging/modprobe.d/udrv.conf \
		$(DESTDIR)$(PREFIX)/share/doc/udrv/examples/modprobe.d/
	install -m 0644 packaging/modules-load.d/udrv.conf \
		$(DESTDIR)$(PREFIX)/share/doc/udrv/examples/modules-load.d/
	@# The dynamic linker's cache, for programs linked with -ludrv; a
	@# DESTDIR install is someone else's root (a package, a guest).
	$(if $(DESTDIR),,ldconfig)

clean:
	rm -rf $(B)

# Objects reached only through pattern rules (sanitized and test objects)
# are intermediate to make: keep them, or every run rebuilds them.
.SECONDARY:

-include $(shell find $(B) -name '*.d' -type f 2>/dev/null)
