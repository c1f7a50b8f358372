"""Events remind at once: when a request is raised, answered, referred or an expert invited, or a plan or a report
is decided, the finder's rules for it run as soon as the transaction commits (the beat's cycle would find them too,
a few minutes later)."""
