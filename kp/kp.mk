# kp.mk - builds a udrv Kernel PlugIn from its C sources, in both forms:
#
#   make -f $(pkg-config --variable=kpmk udrv) KP=my_kp SRCS="my_kp.c helper.c"
#
# gives my_kp.ko (the KP in the kernel, loaded after udrv.ko) and my_kp.so
# (the same source in user mode: UDRV_KP_USER=my_kp=./my_kp.so), both
# with warnings as errors.  Targets: all (default), ko, so, clean.
#
# Variables:
#   KP            the module's name (required); SRCS default $(KP).c
#   KDIR          kernel build tree (default the running kernel's)
#   UDRV_INCLUDE  directories with udrv's headers (default pkg-config's)
#   UDRV_SYMVERS  udrv.ko's Module.symvers for that kernel (default where
#                 make install put it); without it modpost cannot check
#                 the KP's calls into udrv.ko
#   OUT           where the .ko and .so go (default .)
#   SAN=1         build the .so with AddressSanitizer and UBSan (the
#                 application must be built with them too)
#   KP_CFLAGS     more compiler flags for both forms (e.g. -DMY_OPTION)
#
# A KP includes only <udrv/kp.h>; see docs/kernel-plugin.md.

ifeq ($(KP),)
$(error kp.mk: say which Kernel PlugIn: KP=name (and SRCS="a.c b.c"))
endif
SRCS ?= $(KP).c
OUT ?= .
KDIR ?= /lib/modules/$(shell uname -r)/build
CC ?= cc
UDRV_INCLUDE ?= $(shell pkg-config --variable=includedir udrv 2>/dev/null)
UDRV_KVER := $(notdir $(patsubst %/,%,$(dir $(abspath $(KDIR)))))
UDRV_SYMVERS ?= $(shell pkg-config --variable=datadir udrv 2>/dev/null)/udrv/$(UDRV_KVER)/Module.symvers

comma := ,
kp_san := $(if $(SAN),-fsanitize=address$(comma)undefined -fno-omit-frame-pointer)
kp_srcs := $(abspath $(SRCS))
kp_incs := $(addprefix -I,$(abspath $(UDRV_INCLUDE)) $(sort $(dir $(kp_srcs))))
kp_out := $(abspath $(OUT))
kp_kobj := $(kp_out)/.kp-$(KP)-$(UDRV_KVER)
# kbuild wants the sources next to the Kbuild file, and a composite
# module whose name is also one of its parts is circular: rename that one.
kp_kname = $(if $(filter $(KP),$(basename $(notdir $(1)))),$(KP)_kp.c,$(notdir $(1)))

# What the .so depends on: the sources, their directories' headers, udrv's.
kp_deps := $(kp_srcs) $(wildcard $(addsuffix *.h,$(sort $(dir $(kp_srcs))))) \
	   $(foreach d,$(UDRV_INCLUDE),$(wildcard $(d)/*.h $(d)/udrv/*.h))

# The .ko is always handed to kbuild, which knows what changed.
.PHONY: all ko so clean $(kp_out)/$(KP).ko
all: ko so

so: $(kp_out)/$(KP).so
ko: $(kp_out)/$(KP).ko

$(kp_out)/$(KP).so: $(kp_deps)
	@mkdir -p $(kp_out)
	$(CC) -std=c11 -Wall -Wextra -Werror -O2 -g -fPIC -shared \
		-DUDRV_KP_BUILD $(kp_incs) \
		$(kp_san) \
		$(KP_CFLAGS) -o $@ $(kp_srcs)

$(kp_out)/$(KP).ko: $(kp_srcs)
	@test -d $(KDIR) || { echo "kp.mk: no kernel build tree at $(KDIR) (KDIR=...)"; exit 1; }
	@mkdir -p $(kp_kobj)
	@$(foreach s,$(kp_srcs),cp -p $(s) $(kp_kobj)/$(call kp_kname,$(s)) &&) true
	@{ echo "obj-m := $(KP).o"; \
	   echo "$(KP)-y := $(patsubst %.c,%.o,$(foreach s,$(kp_srcs),$(call kp_kname,$(s))))"; \
	   echo "ccflags-y := -Werror $(kp_incs) $(KP_CFLAGS)"; } > $(kp_kobj)/Kbuild.new
	@cmp -s $(kp_kobj)/Kbuild.new $(kp_kobj)/Kbuild || mv $(kp_kobj)/Kbuild.new $(kp_kobj)/Kbuild
	@rm -f $(kp_kobj)/Kbuild.new
	$(MAKE) -C $(KDIR) M=$(kp_kobj) \
		$(if $(wildcard $(UDRV_SYMVERS)),KBUILD_EXTRA_SYMBOLS=$(abspath $(UDRV_SYMVERS))) \
		modules
	cp $(kp_kobj)/$(KP).ko $@

clean:
	rm -rf $(kp_out)/$(KP).so $(kp_out)/$(KP).ko $(kp_out)/.kp-$(KP)-*
