// Class: wrong API contract. The registration no longer refuses a second
// provider with -EBUSY: it silently replaces the first one (whose module
// reference leaks).
// Oracle: KUnit migrate_copy_offload.second_register_is_busy; rival's
// WARN when its second registration is accepted.
// Caught by: scenario smoke (KUnit at boot).
// Also caught by: scenario double-register: WARNING in rival_second_register_not_busy
// Not applicable: no function that points the static_call at a provider
// (static_call_update()) returns -EBUSY.
// Tier: check

@ reg exists @
identifier fn;
@@
fn(...)
{
  ... when any
  static_call_update(...);
  ... when any
}

@@
identifier reg.fn, L;
expression C, R;
@@
fn(...)
{
  <...
(
- if (C) { R = -EBUSY; goto L; }
|
- if (C) { mutex_unlock(...); return -EBUSY; }
|
- if (C) return -EBUSY;
)
  ...>
}
