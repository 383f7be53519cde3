// Class: wrong policy. migrate_should_offload() no longer tests the
// migration reason against the migrator's mask (nor our filter): every
// reason is offloaded, whatever the set.
// Oracle: KUnit migrate_copy_offload.registered_reasons; reason-mask's
// check that an empty mask gets no call.
// Caught by: scenario smoke (KUnit at boot).
// Also caught by: scenario reason-mask: KTAP: not ok reason-mask.no call with an empty reason mask
// Not applicable: the tree has no migrate_should_offload() that tests
// BIT(reason).

@@
identifier r;
symbol false, true;
type T;
@@
T migrate_should_offload(int r)
{
  <...
(
- if (!(<+... BIT(r) ...+>)) return false;
|
- return <+... BIT(r) ...+>;
+ return true;
)
  ...>
}
