// Class: SRCU misuse. The unregister returns (and drops the module
// reference) without waiting for the copies in flight: the wait before
// module_put() is gone.
// Oracle: fault_provider's fp_copy_outlived_unregister WARN.
// Caught by: scenario unregister-race.
// Not applicable: no synchronize_srcu() is followed by a module_put() in
// the tree (its unregister waits another way, or not at all).
// Tier: check

@ exists @
expression S, O;
@@
- synchronize_srcu(S);
  ... when any
  module_put(O);
