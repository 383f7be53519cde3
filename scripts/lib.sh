# shellcheck shell=bash
# Shared by the host scripts: paths, logging and the exit-code contract.
#   0  pass
#   1  a kernel finding (or a hang)
#   2  usage or infrastructure error: one line on stderr says which

TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
BUILD=${BUILD:-$TOP/build}
RESULTS=${RESULTS:-$TOP/results}
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
# paths relative to the checkout, so that another clone (CI) hits the cache
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$TOP}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}

EXIT_PASS=0
EXIT_FINDING=1
EXIT_INFRA=2

# die MESSAGE: the one-line cause of a usage or infrastructure error
die() {
	echo "error: $*" >&2
	exit "$EXIT_INFRA"
}

log() {
	printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"
}

# need_cmd CMD PACKAGE: say exactly which Debian package is missing
need_cmd() {
	command -v "$1" >/dev/null 2>&1 ||
		die "missing '$1': apt-get install $2 (or run 'make deps')"
}

sha256_of() {
	sha256sum "$@" | cut -c1-64
}

# draw_seed: a random seed below 2^63 (bash arithmetic is signed 64-bit,
# so the sign bit is cleared)
draw_seed() {
	local s
	s=$(od -An -N8 -tu8 /dev/urandom | tr -d ' ')
	echo $((s & 0x7fffffffffffffff))
}

# valid_seed S: a decimal number below 2^63
valid_seed() {
	[[ $1 =~ ^[0-9]{1,19}$ ]] || return 1
	[ ${#1} -lt 19 ] || [[ $1 < 9223372036854775807 ]]
}
