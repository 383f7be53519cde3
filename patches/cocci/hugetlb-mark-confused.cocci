// Class: a word with two owners. The copied mark is read on hugetlb
// folios too, whose ->private holds hugetlb's flags (HPG_temporary, the
// flag of a surplus page, is bit 2 like the mark): a hugetlb page moved
// to a node whose pool is empty skips its copy (data loss) and loses the
// flag (the pool drifts), with no provider loaded.
// Oracle: hugetlb-drive's data-integrity check after every move, and its
// pool check.
// Caught by: scenario hugetlb.
// Also caught by: scenario hugetlb: KTAP: not ok hugetlb-anon.pool
// Not applicable: the tree never guards a test of FOLIO_CONTENT_COPIED
// with folio_test_hugetlb() (the posted RFC v6 does not: it has this bug).
// Tier: check

@@
expression D, E;
@@
(
- !folio_test_hugetlb(D) &&
  \( E \& <+... FOLIO_CONTENT_COPIED ...+> \)
|
  \( E \& <+... FOLIO_CONTENT_COPIED ...+> \)
- && !folio_test_hugetlb(D)
)
