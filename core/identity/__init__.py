"""Who uses the program: users' roles and what each role may do, passwords, names, and who acts in a command.

(The hash chain and the words of the audit log are core.auditlog; ``core.audit`` is the old name of both.)
"""
