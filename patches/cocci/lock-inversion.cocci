// Class: lock inversion. The unregister waits for SRCU readers under the
// registration mutex, and the dispatch takes that mutex inside its SRCU
// read section: a copy in flight and an unregister deadlock.
// Oracle: lockdep (possible circular locking dependency).
// Caught by: scenario unregister-race.
// Not applicable: the unregister's mutex_unlock() + synchronize_srcu() and
// the srcu_read_lock() + static_call() dispatch are not in one file (a
// rule sees one file at a time), or either is missing.

@ dispatch @
expression I, S, F;
expression list A;
@@
  I = srcu_read_lock(S);
  ... when != srcu_read_unlock(S, I)
  static_call(F)(A)

@ unreg depends on dispatch @
expression M, S;
@@
- mutex_unlock(M);
  ... when != mutex_lock(M)
  synchronize_srcu(S);
+ mutex_unlock(M);

@ depends on unreg @
expression unreg.M, I, S;
@@
  I = srcu_read_lock(S);
+ mutex_lock(M);
+ mutex_unlock(M);
