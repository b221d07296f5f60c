"""Checks of what users give the model API, so that no input is silently misread.

Every string that reaches generated code must be what it claims to be (an identifier, a
known type), every number must be usable as given (finite parameters, integers that fit
their type, whole step counts), and names must not hide the names generated code provides
(``t``, ``id``, ``addToPost`` ...).  Each check raises ``ValueError`` (``TypeError`` for a
value of the wrong kind) naming the group or model and saying what was expected.
"""
from __future__ import annotations

import hashlib
import math
import numbers
import re
import shlex
from typing import Any, Iterable, List, Optional, Sequence, Tuple

import numpy as np

from pygenn_cl.codegen import reserved
from pygenn_cl.codegen import types

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class InvalidParameter(ValueError):
    """A model's parameter value is outside what the model accepts.

    Raised by the derived-parameter functions of built-in models (a derived parameter is
    computed from the parameters, so it is where a model sees all of them); the message is
    reported as it is, after the owner, not as a failure of the derived parameter."""


# -- names ------------------------------------------------------------------------------------
def is_identifier(name: Any) -> bool:
    return isinstance(name, str) and IDENTIFIER.fullmatch(name) is not None


def _name_lists(model: Any) -> List[Tuple[str, Sequence[Any]]]:
    """(what, specs) of every list of named things a model declares."""
    out = [("parameter", model.params), ("derived parameter", model.derived_params),
           ("extra global parameter", model.extra_global_params)]
    for attr, what in (("vars", "variable"), ("pre_vars", "presynaptic variable"),
                       ("post_vars", "postsynaptic variable"), ("neuron_var_refs", "variable reference"),
                       ("pre_neuron_var_refs", "presynaptic variable reference"),
                       ("post_neuron_var_refs", "postsynaptic variable reference"),
                       ("psm_var_refs", "postsynaptic model variable reference"),
                       ("var_refs", "variable reference"),
                       ("pre_var_refs", "presynaptic variable reference"),
                       ("post_var_refs", "postsynaptic variable reference"),
                       ("additional_input_vars", "additional input variable")):
        specs = getattr(model, attr, None)
        if specs:
            out.append((what, specs))
    refs = getattr(model, "extra_global_param_refs", None)
    if refs:
        out.append(("extra global parameter reference", [_NamedPair(r) for r in refs]))
    return out


class _NamedPair:
    """An ``extra_global_param_refs`` entry, a (name, type) pair, seen like a spec."""

    def __init__(self, pair: Any):
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise ValueError(f"an extra global parameter reference must be a (name, type) pair, not {pair!r}")
        self.name, self.type = pair


def check_model(model: Any) -> None:
    """Check the names and types a model or snippet declares.

    Every name must be an identifier, declared once across all the model's lists (a
    variable and a parameter of the same name would hide one another), and not one of the
    names its code sections see from the generator (``reserved.reserved_names``); every
    type must be a GeNNCode type.
    """
    owner = model.describe()
    if not isinstance(model.class_name, str):
        raise TypeError(f"a model's class name must be a string, not {model.class_name!r}")
    taken = reserved.reserved_names(model.family)
    seen = {}
    for what, specs in _name_lists(model):
        for spec in specs:
            name = spec.name
            if not is_identifier(name):
                raise ValueError(f"{owner}: {what} name {name!r} is not an identifier (letters, digits and _, "
                                 "not starting with a digit)")
            if name in taken:
                raise ValueError(f"{owner}: {what} name '{name}' is reserved: code of a {model.family} sees "
                                 f"'{name}' as {_meaning(name)}; choose another name")
            if name in seen:
                raise ValueError(f"{owner}: '{name}' is declared both as {seen[name]} and as {what}")
            seen[name] = what
            check_type_spec(owner, f"{what} '{name}'", getattr(spec, "type", "scalar"),
                            pointer=what.startswith("extra global"))


def _meaning(name: str) -> str:
    if name in ("t", "dt"):
        return "the time" if name == "t" else "the time step"
    if name in reserved.RNG_FUNCTIONS:
        return "a built-in function"
    if name in reserved.KEYWORDS:
        return "a keyword"
    return "a built-in name"


def check_type_spec(owner: str, what: str, spec: Any, pointer: bool = False) -> None:
    """A type given as a string or a ``pygenn_cl.types`` object must be a GeNNCode type."""
    try:
        resolved = types.parse_type(spec, types.Float)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{owner}: {what} has type {spec!r}: {exc}") from None
    if not pointer and isinstance(resolved, types.PointerType):
        raise ValueError(f"{owner}: {what} has pointer type {spec!r}; only extra global parameters are arrays")


# -- numbers ----------------------------------------------------------------------------------
def check_finite(owner: str, what: str, value: float) -> None:
    if not math.isfinite(value):
        raise ValueError(f"{owner}: {what} must be a finite number, not {value!r}")


def check_integer_values(owner: str, values: Any, ctype: types.NumericType) -> np.ndarray:
    """``values`` as an array of ``ctype``; raises if a value is not a whole number or does not
    fit in ``ctype`` (numpy would wrap it, or round it, silently)."""
    array = np.asarray(values)
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_):
        raise ValueError(f"{owner}: values must be numbers, not {array.dtype} ({_example(array)})")
    if not ctype.is_integer:
        return array.astype(ctype.dtype)
    if array.size:
        if np.issubdtype(array.dtype, np.floating):
            bad = ~np.isfinite(array) | (array != np.trunc(array))
            if bad.any():
                raise ValueError(f"{owner}: {ctype.name} values must be whole numbers, not "
                                 f"{array.reshape(-1)[np.argmax(bad.reshape(-1))].item()!r}")
        low, high = array.min(), array.max()
        if (np.issubdtype(array.dtype, np.floating) and (low < ctype.min or high > ctype.max)) or \
                (not np.issubdtype(array.dtype, np.floating) and (int(low) < ctype.min or int(high) > ctype.max)):
            worst = (low if low < ctype.min else high).item()
            raise ValueError(f"{owner}: {worst!r} does not fit in {ctype.name} "
                             f"(from {ctype.min} to {ctype.max})")
    return array.astype(ctype.dtype)


def _example(array: np.ndarray) -> str:
    return repr(array.reshape(-1)[0]) if array.size else "empty"


def whole_number(what: str, value: Any, minimum: int = 0, maximum: Optional[int] = None) -> int:
    """``value`` as an int: an integer (Python or numpy, not bool) or a float with no fraction,
    at least ``minimum`` (and at most ``maximum``)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{what} must be an integer, not {value!r}")
    if isinstance(value, numbers.Integral):
        number = int(value)
    else:
        if not math.isfinite(float(value)) or float(value) != int(value):
            raise ValueError(f"{what} must be a whole number, not {value!r}")
        number = int(value)
    if number < minimum or (maximum is not None and number > maximum):
        bound = f"at least {minimum}" if maximum is None else f"from {minimum} to {maximum}"
        raise ValueError(f"{what} must be {bound}, not {value!r}")
    return number


#: Seeds are 64-bit unsigned integers; 0 asks load() for a random one.
MAX_SEED = 2**64 - 1


def check_seed(value: Any) -> int:
    """A seed: an integer from 0 (a random seed at each ``load()``) to 2**64 - 1."""
    try:
        return whole_number("seed", value, 0, MAX_SEED)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"seed must be an integer from 0 (a random seed at each load()) to 2**64 - 1, "
                        f"not {value!r}") from None


# -- preferences ------------------------------------------------------------------------------
def compiler_flags(name: str, value: Any) -> List[str]:
    """Compiler flags given as one string (split like a shell would, quotes kept together) or
    a list of strings; no flag may hold a line break or a NUL."""
    if value is None:
        return []
    if isinstance(value, str):
        try:
            flags = shlex.split(value)
        except ValueError as exc:
            raise ValueError(f"preference '{name}': {exc} in {value!r}") from None
    elif isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        flags = list(value)
    else:
        raise TypeError(f"preference '{name}' must be a string of flags or a list of strings, not {value!r}")
    for flag in flags:
        if any(c in flag for c in "\0\n\r"):
            raise ValueError(f"preference '{name}': flag {flag!r} contains a line break or NUL")
    return flags


# -- file names -------------------------------------------------------------------------------
#: Longest model name used as it is in file names (a file name may have 255 bytes, and the
#: cache adds a 33-character key and a suffix).
MAX_FILE_STEM = 100


def file_stem(name: str) -> str:
    """A file name stem for a model name: the name itself if it is a short identifier, else
    its first characters (letters, digits and _ only) and a hash of the whole name."""
    if is_identifier(name) and len(name) <= MAX_FILE_STEM:
        return name
    safe = re.sub(r"[^A-Za-z0-9_]", "_", name)[:MAX_FILE_STEM - 17] or "model"
    return f"{safe}_{hashlib.sha256(name.encode('utf-8', 'surrogatepass')).hexdigest()[:16]}"


def describe_names(names: Iterable[str]) -> str:
    names = list(names)
    return ", ".join(f"'{n}'" for n in names) if names else "none"


class NameDict(dict):
    """A dict of a group's variables or extra global parameters whose unknown keys raise a
    ``KeyError`` that names the group and lists the names it has."""

    def __init__(self, items: Any, owner: str, what: str):
        super().__init__(items)
        self.owner = owner
        self.what = what

    def __missing__(self, key: Any):
        raise KeyError(f"{self.owner} has no {self.what} {key!r}; its {self.what}s: {describe_names(self)}")

    def __reduce__(self):
        return (NameDict, (dict(self), self.owner, self.what))


# -- changes after build() --------------------------------------------------------------------
def comparable_description(desc: Any, array_vars: Iterable[str]) -> Any:
    """``desc`` (a ``ModelDescription``) without what may change between ``build()`` and
    ``load()``: values of dynamic parameters, how variables given arrays (``array_vars``,
    written at load) were initialised before, and the row lengths of SPARSE groups whose
    connections come from ``set_sparse_connections`` (checked against the built ones at load)."""
    from dataclasses import replace
    arrays = set(array_vars)

    def var(v):
        return replace(v, init="array") if v.array in arrays else v

    def model(m):
        return replace(m, params=tuple(replace(p, value=None) if p.name in m.dynamic else p for p in m.params),
                       vars=tuple(var(v) for v in m.vars))

    def synapse_group(g):
        user = g.sparse and (g.connectivity is None or not g.connectivity.builds)
        return replace(g, wu=model(g.wu), ps=model(g.ps), wu_pre_vars=tuple(map(var, g.wu_pre_vars)),
                       wu_post_vars=tuple(map(var, g.wu_post_vars)),
                       max_connections=0 if user else g.max_connections,
                       max_source_connections=0 if user else g.max_source_connections)

    return replace(desc, neuron_groups=tuple(replace(g, model=model(g.model)) for g in desc.neuron_groups),
                   synapse_groups=tuple(map(synapse_group, desc.synapse_groups)),
                   current_sources=tuple(replace(g, model=model(g.model)) for g in desc.current_sources),
                   custom_updates=tuple(replace(g, model=model(g.model)) for g in desc.custom_updates),
                   custom_connectivity_updates=tuple(
                       replace(g, model=model(g.model), pre_vars=tuple(map(var, g.pre_vars)),
                               post_vars=tuple(map(var, g.post_vars))) for g in desc.custom_connectivity_updates))


def changed_groups(built: Any, now: Any) -> List[str]:
    """Descriptions of the groups of ``now`` that differ from ``built`` (or are new)."""
    out = []
    for kind in ("neuron_groups", "synapse_groups", "current_sources", "custom_updates",
                 "custom_connectivity_updates"):
        before = {g.name: g for g in getattr(built, kind)}
        out += [g.describe() for g in getattr(now, kind) if before.get(g.name) != g]
    return out
