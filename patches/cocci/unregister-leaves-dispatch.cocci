// Class: SRCU/lifetime misuse. The unregister neither turns the static
// key off nor resets the static_call: batches that decided to offload
// before it enter the provider after it returned.
// Oracle: KUnit migrate_copy_offload.register_then_unregister;
// fault_provider's fp_called_after_unregister WARN, by timing only.
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
expression F, D, K;
@@
fn(...)
{
  <...
(
- static_call_update(F, D);
|
- static_branch_disable(K);
)
  ...>
}
