// Class: wrong fallback. Once the provider returned, every folio of the
// batch is taken as copied, also those it failed or declined to copy: the
// CPU fallback for unmarked folios never runs, data corruption.
// Oracle: migrate-verify data-integrity; KUnit
// migrate_copy_offload.dispatch_marks_per_folio.
// Caught by: scenario fail.
// Not applicable: no static_call() of the tree dispatches a batch
// (dst list, src list, count), or the tree's mark field is not known
// (scripts/detect-api.sh: MARK neither private nor migrate_info).

virtual mark_private
virtual mark_migrate_info

@ depends on mark_private @
expression R, F, D, S, N;
iterator name list_for_each_entry;
@@
(
  R = static_call(F)(D, S, N);
+ {
+ 	struct folio *mutant_dst;
+ 	list_for_each_entry(mutant_dst, D, lru)
+ 		mutant_dst->private = (void *)((unsigned long)mutant_dst->private | FOLIO_CONTENT_COPIED);
+ }
|
  static_call(F)(D, S, N);
+ {
+ 	struct folio *mutant_dst;
+ 	list_for_each_entry(mutant_dst, D, lru)
+ 		mutant_dst->private = (void *)((unsigned long)mutant_dst->private | FOLIO_CONTENT_COPIED);
+ }
)

@ depends on mark_migrate_info @
expression R, F, D, S, N;
iterator name list_for_each_entry;
@@
(
  R = static_call(F)(D, S, N);
+ {
+ 	struct folio *mutant_dst;
+ 	list_for_each_entry(mutant_dst, D, lru)
+ 		mutant_dst->migrate_info |= FOLIO_CONTENT_COPIED;
+ }
|
  static_call(F)(D, S, N);
+ {
+ 	struct folio *mutant_dst;
+ 	list_for_each_entry(mutant_dst, D, lru)
+ 		mutant_dst->migrate_info |= FOLIO_CONTENT_COPIED;
+ }
)
