// Class: wrong API contract. Any migrator may unregister the active one:
// the unregister no longer compares its argument with the active
// migrator.
// Oracle: KUnit migrate_copy_offload.foreign_unregister_is_refused;
// rival's WARN when its foreign unregister is accepted.
// Caught by: scenario smoke (KUnit at boot).
// Also caught by: scenario double-register: WARNING in rival_foreign_unregister_accepted
// Not applicable: no function that takes a struct migrator and waits with
// synchronize_srcu() compares that migrator with another.

@ unreg exists @
identifier fn, m;
expression S;
@@
fn(..., const struct migrator *m, ...)
{
  ... when any
  synchronize_srcu(S);
  ... when any
}

@@
identifier unreg.fn, unreg.m;
symbol false;
expression A;
@@
fn(...)
{
  <...
(
- A != m
+ false
|
- m != A
+ false
)
  ...>
}
