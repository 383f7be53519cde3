# Fault-injection and stress tests for the page-migration copy-offload
# series. Every target bootstraps what it needs (Debian packages, the
# kernel source, the test kernel); see README.md.
#
# Exit status of the run targets: 0 pass, 1 a kernel finding, 2 a usage or
# infrastructure error (with a one-line cause).

SCENARIO ?=
SEED ?=
DURATION ?=
RUNS ?= 10
EXTRA_PATCHES ?=
KERNEL_SRC ?=
export EXTRA_PATCHES KERNEL_SRC

S := scripts

.PHONY: all deps kernel modules initramfs unit check stress reproduce mutants clean help

all: help

help:
	@echo "make stress      every scenario once (SCENARIO=name for one; SEED=, DURATION=)"
	@echo "make check       host tests, then the smoke campaign in the VM"
	@echo "make unit        host tests only (no VM, under a minute)"
	@echo "make reproduce   SEED=... SCENARIO=... [RUNS=10]: hit rate of a finding"
	@echo "make mutants     every broken variant in patches/mutants/, caught or missed"
	@echo "make kernel | modules | initramfs | deps | clean"

deps:
	@$(S)/deps.sh

kernel: deps
	@$(S)/build-kernel.sh

modules: kernel
	@$(S)/build-modules.sh "$$($(S)/build-kernel.sh --dir)"

initramfs: kernel
	@$(S)/build-initramfs.sh "$$($(S)/build-kernel.sh --dir)"

unit: deps
	@$(S)/unit.sh

check: deps
	@$(S)/check.sh

stress: deps
	@$(S)/campaign.sh $(if $(SCENARIO),$(SCENARIO),--all) $(if $(SEED),--seed $(SEED)) $(if $(DURATION),--duration $(DURATION))

reproduce: deps
	@$(S)/reproduce.sh "$(SCENARIO)" "$(SEED)" "$(RUNS)" "$(DURATION)"

mutants: deps
	@$(S)/mutants.sh

clean:
	rm -rf build
