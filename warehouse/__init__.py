"""The DuckDB warehouse: schema, migrations, storage and the views analysts query.

Imports nothing else of jobtrends: every other stage depends on this one, never the reverse.
"""
