# Fault-injection and stress tests for the page-migration copy-offload
# series. Every target bootstraps what it needs (Debian packages, the
# kernel source, the test kernel); see README.md.
#
# Exit status of the run targets: 0 pass, 1 a kernel finding, 2 a usage or
# infrastructure error (with a one-line cause).

SCENARIO ?=
SEED ?=
DURATION ?=
RUNS ?=
CAMPAIGN ?=
GROUP ?=
BUDGET ?=
SHARD ?=
UNTIL_FINDING ?=
EXTRA_PATCHES ?=
KERNEL_SRC ?=
KERNEL_REV ?=
GOOD ?=
BAD ?=
BASE ?=
SERIES ?=
MUTANTS ?=
COVERAGE ?=
QEMU ?=
TCG_THREAD ?=
FLAVOUR ?=
export EXTRA_PATCHES KERNEL_SRC KERNEL_REV GOOD BAD COVERAGE BASE SERIES QEMU TCG_THREAD FLAVOUR

S := scripts

.PHONY: all list deps kernel modules initramfs unit check stress fixtures reproduce bisect report bench mutants judge clean help

all: help

help:
	@echo "make stress      every scenario once, then make fixtures (SCENARIO=name for one; SEED=, DURATION=)"
	@echo "                 CAMPAIGN=check|faults|fixtures|nightly|all [BUDGET=min] [RUNS=n] [SHARD=i/n] [SEED=master]"
	@echo "                 UNTIL_FINDING=1: stop at the first run that does not behave as it must"
	@echo "                 COVERAGE=1: gcov of the offload branches the runs executed"
	@echo "                 FLAVOUR=name: configs/flavours/ (preempt-none, kcsan, many-cpus, ...)"
	@echo "                 QEMU=system|backports|unstable TCG_THREAD=single|multi: the emulator"
	@echo "                 (default backports, multi; make check uses system, single)"
	@echo "                 KERNEL_SRC=DIR SERIES=none: a tree that carries the series (docs/own-tree.md)"
	@echo "                 SELFTESTS='migration ...': a selftests-MODE scenario runs these entries of stress/selftests/mm.list"
	@echo "                 MODES='stall unregister': selftests-modes runs under these provider modes only"
	@echo "                 SNAPSHOT=1: runs start from a guest saved at its ready point (a campaign's first run"
	@echo "                 and one in ten boot cold); INSN_COUNT=1: guest instructions counted (QEMU plugin)"
	@echo "make fixtures    our series shaped like the posted one (patches/BASE/fixtures/: a hidden"
	@echo "                 option, an unexported batch copy): smoke, clean, reg-race on it"
	@echo "make check       what CI runs: host tests, the kernel, the check group, the check-tier mutants,"
	@echo "                 a reproduce, an interrupt test; ends 'N passed, N failed'"
	@echo "make unit        host tests only (no VM, about a minute)"
	@echo "make bench       intensity, overhead, latency, pipeline, detection (ratios, one run; docs/bench.md)"
	@echo "make reproduce   SEED=... SCENARIO=... [RUNS=10]: hit rate of a finding"
	@echo "make bisect      SEED=... SCENARIO=... [RUNS=3]: first patch where the finding appears"
	@echo "                 KERNEL_SRC=git-tree SERIES=none [GOOD=rev] [BAD=rev]: first commit of its history"
	@echo "make report      RUN=results/<run> [REPRO_RUNS=3] [BASE_RUNS=1]: a bug report to mail (report.txt)"
	@echo "make mutants     every broken variant in patches/BASE/mutants/ (MUTANTS=names for some), caught or missed"
	@echo "                 MUTANTS=cocci (or cocci/RULE ...): the Coccinelle catalogue, patches/cocci/, applied"
	@echo "                 to the tree with spatch; the default with KERNEL_SRC=DIR SERIES=none"
	@echo "                 UNDER=scenario: every variant under that one (UNDER=selftests-MODE SELFTESTS='...':"
	@echo "                 caught only by a selftest case of the family's differential)"
	@echo "make judge       DIRS='results/RUN results/campaign-...': judge old results again"
	@echo "make list        the scenarios, from their records (GROUP=check|faults|fixtures|bench;"
	@echo "                 SCENARIO=name: its comments and record)"
	@echo "make kernel | modules | initramfs | deps | clean"

list:
	@$(S)/list.sh $(if $(SCENARIO),--scenario $(SCENARIO),$(GROUP))

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

# the whole catalogue on our series (no SCENARIO, CAMPAIGN or KERNEL_SRC)
# ends with the fixtures; the worse exit status of the two is make's. The
# recipe is a shell of its own, so it names make as the scripts' first
# ancestor (lib.sh: SUITE_PIDS): a kill of make alone must still stop QEMU
WHOLE_CATALOGUE := $(if $(SCENARIO)$(CAMPAIGN)$(KERNEL_SRC),,1)

stress: deps
	@export SUITE_PIDS=$$PPID; rc=0; $(S)/campaign.sh $(if $(SCENARIO),$(SCENARIO),--campaign $(or $(CAMPAIGN),all)) \
		$(if $(SEED),--seed $(SEED)) $(if $(DURATION),--duration $(DURATION)) \
		$(if $(RUNS),--runs $(RUNS)) $(if $(BUDGET),--budget $(BUDGET)) $(if $(SHARD),--shard $(SHARD)) \
		$(if $(UNTIL_FINDING),--until-finding $(UNTIL_FINDING)) || rc=$$?; \
	$(if $(WHOLE_CATALOGUE),[ "$$rc" -ge 2 ] || { $(S)/fixtures.sh $(if $(SEED),--seed $(SEED)) || { f=$$?; [ $$f -le $$rc ] || rc=$$f; }; };) \
	exit $$rc

fixtures: deps
	@$(S)/fixtures.sh $(if $(SEED),--seed $(SEED)) $(if $(DURATION),--duration $(DURATION))

reproduce: deps
	@$(S)/reproduce.sh "$(SCENARIO)" "$(SEED)" "$(or $(RUNS),10)" "$(DURATION)"

bisect: deps
	@$(S)/bisect.sh "$(SCENARIO)" "$(SEED)" "$(or $(RUNS),3)" "$(DURATION)"

report: deps
	@$(S)/report.sh $(or $(RUN),$(error give RUN=results/<run>, a run with a finding))

mutants: deps
	@$(S)/mutants.sh $(MUTANTS)

bench: deps
	@$(S)/bench.sh

judge:
	@$(S)/judge.sh $(or $(DIRS),$(error give DIRS=results/... (runs or campaigns)))

clean:
	rm -rf build
