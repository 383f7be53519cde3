// Class: lock order. The unregister waits for the copies in flight while
// it holds the registration mutex: a provider that registers (or
// unregisters) from inside its copy callback waits for the mutex, and
// the unregister, holding it, waits for the callback.
// Oracle: lockdep (circular dependency between the mutex and the SRCU
// read section), then hung tasks.
// Caught by: scenario odd-register.
// Not applicable: no mutex_unlock() of the tree is followed, on every
// path, by a synchronize_srcu().

@@
expression M, S;
@@
- mutex_unlock(M);
  ... when != mutex_lock(M)
  synchronize_srcu(S);
+ mutex_unlock(M);
