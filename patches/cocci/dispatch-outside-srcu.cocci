// Class: SRCU misuse. The static_call to the provider is made before the
// SRCU read-side section opens, so synchronize_srcu() in the unregister
// does not wait for a copy that is running.
// Oracle: fault_provider's fp_copy_outlived_unregister WARN.
// Caught by: scenario unregister-race.
// Not applicable: no static_call() of the tree is made inside a
// srcu_read_lock() section.

@@
expression I, S, F, R;
expression list A;
@@
- I = srcu_read_lock(S);
  ... when != srcu_read_unlock(S, I)
(
  R = static_call(F)(A);
+ I = srcu_read_lock(S);
|
  static_call(F)(A);
+ I = srcu_read_lock(S);
)
