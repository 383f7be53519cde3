# shellcheck shell=bash
# Sourced by build-kernel.sh (after lib.sh): the options the fragments
# require (#CHECK#CONFIG_X=y) that a tree hides behind other symbols,
# enabled the way its Kconfig allows (kconfig-enable.sh). RFC v6 as
# posted: MIGRATION_COPY_OFFLOAD has no prompt, only its DMA driver
# selects it, and that driver needs DMA_ENGINE, which DMA drivers select.

# required_fragment SRC OBJ OUT WHY FRAGMENT...: into OUT, the assignments
# that set each option the FRAGMENTs require and OBJ/.config lacks; each
# chain chosen is logged; into WHY, one line per option that cannot be set
# (the caller's checks name it when they fail). Nothing missing: both empty.
required_fragment() {
	local src=$1 obj=$2 out=$3 why=$4 err missing line
	shift 4
	: >"$out"
	: >"$why"
	mapfile -t missing < <(config_lost "$obj/.config" "" "$@" | sed -n 's/^CONFIG_\(.*\)=y$/\1/p')
	[ ${#missing[@]} -gt 0 ] || return 0
	progress "config: ${missing[*]} not set by the fragments alone: asking the tree's Kconfig what enables them"
	err=$(tmp_file)
	# exit 2 is the error lines below (or some options only): not a stop
	"$TOP/scripts/kconfig-enable/kconfig-enable.sh" "$src" "$obj" "${missing[@]}" >"$out" 2>"$err" || true
	while IFS= read -r line; do
		log "config: $line"
	done < <(sed -n 's/^kconfig-enable: //p' "$err")
	sed -n 's/^error: //p' "$err" >"$why"
	# a line that is neither would be lost: keep it with the failures
	grep -v -e '^kconfig-enable: ' -e '^error: ' "$err" >>"$why" || true
	while IFS= read -r line; do
		log "config: note: $line"
	done <"$why"
}
