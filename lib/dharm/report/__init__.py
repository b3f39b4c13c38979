"""The evidence of each kind, as neutral tables: figure tables, recomputed numbers and
published-against-computed checks. Nothing here displays anything or imports the ledger."""
