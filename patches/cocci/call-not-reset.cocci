// Class: stale dispatch. The unregister turns the static key off but
// leaves the static_call pointing at the provider's copy function: a batch
// that decided to offload before the unregister calls into the provider
// after it returned (and into freed text after rmmod).
// Oracle: KUnit migrate_copy_offload.register_then_unregister (expect_idle:
// the static_call's target).
// Caught by: scenario smoke (KUnit at boot).
// Not applicable: no function of the tree both turns a static key off
// (static_branch_disable()) and resets the static_call
// (static_call_update()).

@ unreg exists @
identifier fn;
expression K;
@@
fn(...)
{
  ... when any
  static_branch_disable(K);
  ... when any
}

@@
identifier unreg.fn;
expression F, D;
@@
fn(...)
{
  <...
- static_call_update(F, D);
  ...>
}
