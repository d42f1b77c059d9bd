"""`deedbook` on the command line: one module per group of commands (see main.COMMAND_MODULES)."""
