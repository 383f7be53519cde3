// Class: wrong accounting. The per-reason stats count every offered folio
// as copied on the CPU, also those the provider copied: folios != provider
// + cpu. (The suite's own stats patch only.)
// Oracle: the accounting identity every scenario checks at its end; KUnit's
// dispatch tests check the counters too and fire first at boot.
// Caught by: scenario clean.
// Also caught by: scenario clean: KTAP: not ok clean.offload accounting: calls = offloaded + declined + failed, folios = provider + cpu
// Not applicable: the tree does not count OFFLOAD_FOLIOS_CPU (it lacks
// the suite's stats patch).

@@
expression R, N, C;
@@
  offload_count(R, OFFLOAD_FOLIOS_CPU,
- N - C
+ N
  )
