"""Policy documents as data: rules, dated parameters, citations, stacking groups."""
