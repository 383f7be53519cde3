// Class: wrong fallback (stale data). The copied mark is read but not
// cleared, and a re-record after -EAGAIN keeps it: a folio whose first
// move attempt failed is moved on a later pass without a fresh copy.
// Oracle: migrate-verify data-integrity (fault_provider's eagain mode
// scribbles on a destination and holds the source until the first
// attempt has failed).
// Caught by: scenario eagain.
// Not applicable: the tree never clears FOLIO_CONTENT_COPIED in a folio's
// ->private or ->migrate_info.
// Tier: check

@ cleared @
expression D;
@@
(
- D->migrate_info &= ~FOLIO_CONTENT_COPIED;
|
- D->private = <+... ~FOLIO_CONTENT_COPIED ...+>;
|
- D->migrate_info = <+... ~FOLIO_CONTENT_COPIED ...+>;
)

// the record of the migration state (next to the anon_vma pointer) that
// a retry writes again: keep the mark in it
@ depends on cleared @
identifier f, A;
expression D, E;
@@
f(..., struct anon_vma *A, ...)
{
  <...
(
  D->private =
- E
+ (void *)((unsigned long)(E) | ((unsigned long)D->private & FOLIO_CONTENT_COPIED))
  ;
|
  D->migrate_info =
- E
+ E | (D->migrate_info & FOLIO_CONTENT_COPIED)
  ;
)
  ...>
}
