"""Pulumi entry point: `pulumi up -s production` / `-s capetown`. All logic lives in stacks/."""

from stacks.program import run

run()
