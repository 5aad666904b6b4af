"""Coko security policy pack: plain rule functions shared by CrossGuard and `coko check`.

Importing this package never starts the CrossGuard server; only ``__main__.py`` does, when
Pulumi runs the pack. Internal imports are relative so the pack works under any directory name.
"""
