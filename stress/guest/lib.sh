# The helpers scenario scripts use in the guest (busybox sh), one file a
# concern; run-scenario and every scenario source this one. GUEST_LIB_DIR:
# where they are (/guest in the guest; the host's tests set it).
GUEST_LIB_DIR=${GUEST_LIB_DIR:-/guest}
for _lib in record ktap tree provider reach leak pagekinds stressng selftest-env selftests selftest-family; do
	. "$GUEST_LIB_DIR/lib-$_lib.sh"
done
unset _lib
