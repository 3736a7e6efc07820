"""CLI commands, one module per area. Every module here exposing `COMMANDS` (a list of click
commands or groups) is added to the `jobtrends` group by jobtrends.cli; adding an area is
adding a module, with no edit to cli.py.
"""
