#!/usr/bin/env bash
# make fixtures: the scenarios of group fixtures on our series with
# every patch of patches/$BASE/fixtures/ on top (EXTRA_PATCHES), so that a
# tree shaped like the posted series (an offload option it hides, a batch
# copy it does not export) is built and run the way a user's tree is.
#
#   scripts/fixtures.sh [campaign.sh options]    (--seed, --duration)
#
# Exit as campaign.sh: 0 pass, 1 a finding, 2 usage or infrastructure.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "${SERIES:-base}" = base ] ||
	die "make fixtures changes our series (SERIES=base); a tree you bring is its own fixture"
fixtures=("$(base_dir)"/fixtures/*.patch)
[ -f "${fixtures[0]}" ] || die "patches/$BASE has no fixtures/ to apply"
EXTRA_PATCHES="${fixtures[*]}${EXTRA_PATCHES:+ $EXTRA_PATCHES}" \
	exec "$TOP/scripts/campaign.sh" --campaign fixtures "$@"
