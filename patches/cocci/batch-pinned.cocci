// Class: stale copy. The refcount rule is gone from the test of what may
// be batch-copied: a folio that a GUP pin holder may still write is
// copied ahead of the move phase, and a write through the pin after the
// copy is lost.
// Oracle: pin-drive's check of every page after its read.
// Caught by: scenario pinned.
// Not applicable: no function of the tree whose name has "batch" refuses
// a folio whose refcount is not the expected one.

@@
identifier fn =~ "batch";
expression F, E;
symbol false, true;
@@
fn(...)
{
  <...
(
- if (folio_ref_count(F) != E)
-	return false;
|
- return folio_ref_count(F) == E;
+ return true;
)
  ...>
}
