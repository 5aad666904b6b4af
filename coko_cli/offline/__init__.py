"""The offline preview. Loading it switches on the faster provider-SDK import (fastimport.py)."""

from coko_cli.offline import fastimport

fastimport.install()
