"""The old name of core.identity (users, roles, passwords, who acts) and core.auditlog (the hash chain).

Each ``core.audit.<module>`` is the module it moved to (the same object, so patching either patches both), for
code written against the old names. New code imports from core.identity and core.auditlog.
"""
