"""The audit log's hash chain and what its entries are called (the log itself is kept by core.store.audit)."""
