"""政策沙盘: what a policy document would pay if its parameters, rules, readings or dates were different.

A scenario file (docs/scenarios.md, core.scenario.spec) names the documents
it copies and the changes it makes; core.scenario.apply turns it into a
modified copy of the PolicySet and core.scenario.compare runs the copy beside
the policy as it stands over a population of companies
(core.scenario.population). Nothing here writes to the store: stored
overrides, batches and letters stay as they are. The package imports nothing
on its own, so registering its command costs the program's start-up nothing.
"""
