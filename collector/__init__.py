"""The RSS/Atom collector: feed list, fetching, parsing, and storing through the warehouse."""
