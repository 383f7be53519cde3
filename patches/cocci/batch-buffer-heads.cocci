// Class: stale copy of metadata. The test of what may be batch-copied
// takes folios that migrate through buffer_migrate_folio{,_norefs}: a
// filesystem changes their buffer heads with neither the folio lock nor
// a reference, so a change between the batch copy and the move is lost.
// Oracle: no syscall batch may reach the offload core while only folios
// with buffer heads move; bh-drive's model of the remounted filesystem.
// Caught by: scenario bufferheads.
// Not applicable: no function of the tree whose name has "batch" compares
// a migrate_folio callback with filemap_migrate_folio (the posted RFC v6
// has no such test: folios with buffer heads are batch-copied there).

@@
identifier fn =~ "batch";
expression C;
symbol filemap_migrate_folio, buffer_migrate_folio, buffer_migrate_folio_norefs;
@@
fn(...)
{
  <...
- C == filemap_migrate_folio
+ C == filemap_migrate_folio || C == buffer_migrate_folio || C == buffer_migrate_folio_norefs
  ...>
}
