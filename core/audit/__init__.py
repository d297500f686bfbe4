"""Trust: users and roles, password hashing, and the hash-chained audit log."""
