"""Names and contracts shared by the Pulumi program and the ops CLI.

This package imports neither ``stacks``/``components`` nor ``coko_cli``: both sides import it,
so the physical names the program creates and the names the CLI looks up have one home.
"""
