preempt=none
#GUEST#preempt=none
