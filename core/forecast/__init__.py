"""预算测算: what approved batches commit the budget to in coming years, and what the store's history predicts.

core.forecast.commitments reads approved batches (multi-year schedules,
approved but unpaid awards); core.forecast.expected projects the store's
history forward under stated, editable assumptions and lets the engine price
each projected event; core.forecast.budget puts both together by year,
fiscal level and document clause. core.forecast.effect is 政策效益.
Importing the package loads nothing.
"""
