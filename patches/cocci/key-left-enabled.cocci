// Class: stale state. The unregister leaves the static key on: with no
// provider every migration still takes the offload branch, and only the
// reason mask keeps it from batching.
// Oracle: KUnit migrate_copy_offload.register_then_unregister (expect_idle).
// Caught by: scenario smoke (KUnit at boot).
// Not applicable: no function of the tree both turns a static key off
// (static_branch_disable()) and resets the static_call
// (static_call_update()).

@ unreg exists @
identifier fn;
@@
fn(...)
{
  ... when any
  static_call_update(...);
  ... when any
}

@@
identifier unreg.fn;
expression K;
@@
fn(...)
{
  <...
- static_branch_disable(K);
  ...>
}
