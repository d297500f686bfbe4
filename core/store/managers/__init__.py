"""The store's managers, one per concern (Anki's ``col.decks``): ``store.batches``, ``store.companies`` …

Each holds the store it belongs to and opens its own transactions through it; a change is a method marked
``@change(action)`` (base.py), which takes the write transaction, checks the action's role and stamps the actor.
"""
