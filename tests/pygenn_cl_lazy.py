"""``pg``: the pygenn_cl package, imported on first attribute access so that test
modules can be collected while the package does not import."""
import importlib


class _Lazy:
    def __getattr__(self, name):
        return getattr(importlib.import_module("pygenn_cl"), name)


pg = _Lazy()
