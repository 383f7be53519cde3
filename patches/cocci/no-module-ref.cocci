// Class: refcount leak (here: underflow). The registration takes no
// reference on the provider's module: it can be unloaded while registered,
// and the unregister drops a reference it never took.
// Oracle: fault_provider's fp_module_ref_dropped WARN.
// Caught by: scenario clean.
// Not applicable: no function of the tree both takes a module reference
// with try_module_get() and points the static_call at a provider
// (static_call_update()).
// Tier: check

@ reg exists @
identifier fn;
expression O;
position p;
@@
fn(...)
{
  ... when any
  try_module_get@p(O)
  ... when any
  static_call_update(...);
  ... when any
}

@@
position reg.p;
expression O;
symbol true;
@@
- try_module_get@p(O)
+ true
