// Class: lifetime. The core's module notifier no longer acts on a module
// that goes away while registered: a provider whose init fails after it
// registered stays registered, and the loader frees its text anyway; the
// next batch jumps into freed text.
// Oracle: odd-register's checks after the failed insmod; the next batch's
// oops in freed module text.
// Caught by: scenario odd-register.
// Not applicable: the tree has no module notifier that tests
// MODULE_STATE_GOING in a file of the API (the posted RFC v6 has none:
// it has this bug).

@@
expression A;
symbol true, false;
@@
(
- A != MODULE_STATE_GOING
+ true
|
- A == MODULE_STATE_GOING
+ false
)
