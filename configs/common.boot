# Kernel parameters of every boot, before the flavour's (NAME.boot) and the
# scenario's (boot_args); a later one of the same name wins (kcsan.boot
# turns panic_on_warn off). One or more a line; # lines are comments.
#
# The serial console is the only output the host reads.
console=ttyS0,115200
# Addresses in reports stay those of System.map, for decode_stacktrace.sh.
nokaslr
# One finding per boot: a WARN, an oops, a soft lockup or a hung task
# panics, and QEMU's -no-reboot turns the panic into the end of the run.
panic_on_warn=1 oops=panic panic=-1
softlockup_panic=1 hung_task_panic=1 sysctl.kernel.hung_task_timeout_secs=30
# TCG runs the guest an order of magnitude slower than native: the
# watchdogs are given room so that slowness is not reported as a lockup.
watchdog_thresh=20 rcupdate.rcu_cpu_stall_timeout=60
# the host's silence watchdog dumps the tasks with SysRq before it stops
# the guest; the guest's programs log through /dev/kmsg without a limit
sysrq_always_enabled=1
printk.devkmsg=on
