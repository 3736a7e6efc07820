"""CLI commands, one module per area; jobtrends.cli lists every command explicitly. A command
parses its options and calls one function of a stage."""
