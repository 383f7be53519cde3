#GUEST#kcsan=on
# A KCSAN report panics a panic_on_warn kernel, and the kernel has data
# races of its own that the series does not touch: here the first one would
# end every boot. So warnings do not panic: the host still stops the guest
# at the first finding (a WARNING or a race with a frame in the series),
# and races outside the series are listed apart (outside.tsv).
panic_on_warn=0
