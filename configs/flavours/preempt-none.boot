# 7.2 x86 has lazy preemption, and with it neither CONFIG_PREEMPT_NONE
# (it depends on ARCH_NO_PREEMPT) nor preempt=none ("Dynamic Preempt:
# unsupported mode: none", measured): lazy, 7.2's default, is the least
# preemptive model there
#BASES#6.12
preempt=none
#GUEST#preempt=none
