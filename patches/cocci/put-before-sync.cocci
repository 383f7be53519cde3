// Class: module lifetime. The module reference is dropped before the SRCU
// wait: the provider's module may go away while a copy still runs in it.
// Oracle: fault_provider's fp_module_ref_dropped WARN.
// Caught by: scenario unregister-race.
// Not applicable: no synchronize_srcu() is followed by a module_put() in
// the tree.

@ exists @
expression S, O;
@@
+ module_put(O);
  synchronize_srcu(S);
  ... when any
- module_put(O);
