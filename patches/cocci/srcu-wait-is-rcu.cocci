// Class: SRCU misuse. The unregister waits on the wrong primitive:
// synchronize_rcu() does not wait for SRCU readers, so a copy that sleeps
// in the provider outlives the unregister (and the module reference).
// Oracle: fault_provider's fp_copy_outlived_unregister WARN.
// Caught by: scenario unregister-race.
// Not applicable: no synchronize_srcu() is followed by a module_put() in
// the tree (its unregister waits another way, or not at all).

@ exists @
expression S, O;
@@
- synchronize_srcu(S);
+ synchronize_rcu();
  ... when any
  module_put(O);
