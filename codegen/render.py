"""Rendering the Mako templates (``codegen/templates``).

One :class:`~mako.lookup.TemplateLookup` per module directory serves every render, so each
template is compiled once per process (and, with a module directory, once per machine).
"""
from __future__ import annotations

import functools
import os
from typing import Any, Optional

from mako.lookup import TemplateLookup

TEMPLATES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")


@functools.lru_cache(maxsize=None)
def template_lookup(module_directory: Optional[str] = None) -> TemplateLookup:
    """The lookup of every template; ``module_directory`` caches compiled templates on disk."""
    return TemplateLookup(directories=[TEMPLATES_DIR], strict_undefined=True,
                          module_directory=module_directory)


def render(name: str, module_directory: Optional[str] = None, **context: Any) -> str:
    """Render template ``name`` (e.g. ``"c/model.mako"``) with ``context``."""
    return template_lookup(module_directory).get_template(name).render(**context)
