// Class: a page that is not a folio taken as one. The movable_ops test is
// gone from the test of what may be batch-copied: zsmalloc (and balloon)
// pages are copied by the batch and get the copied mark, which their own
// migrate_page callback never consumes.
// Oracle: zram-drive's data check, KASAN or bad page state on the mark
// left in the page.
// Caught by: scenario zsmalloc.
// Not applicable: no function of the tree whose name has "batch" refuses
// a page_has_movable_ops() page.

@@
identifier fn =~ "batch";
expression P;
symbol false;
@@
fn(...)
{
  <...
(
- if (page_has_movable_ops(P))
-	return false;
|
- if (unlikely(page_has_movable_ops(P)))
-	return false;
)
  ...>
}
