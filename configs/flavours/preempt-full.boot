preempt=full
#GUEST#preempt=full
