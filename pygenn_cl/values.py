"""Validation of the values users give for parameters, variables and references."""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence

import numpy as np

from . import types, validation
from .init import VarInit, init_var
from .model_spec import DerivedParamSpec, ModelBase, ParamSpec, VarSpec


def check_names(owner: str, what: str, given: Mapping[str, Any], expected: Sequence[str]) -> None:
    """Raise ValueError if ``given`` does not name exactly ``expected``."""
    missing = [n for n in expected if n not in given]
    extra = [n for n in given if n not in expected]
    if missing or extra:
        parts = []
        if missing:
            parts.append("missing " + ", ".join(f"'{n}'" for n in missing))
        if extra:
            parts.append("unknown " + ", ".join(f"'{n}'" for n in extra))
        raise ValueError(f"{owner}: {what}: {'; '.join(parts)} (expected: "
                         f"{', '.join(expected) or 'none'})")


def resolve_params(owner: str, model: ModelBase, values: Mapping[str, Any], dt: float,
                   scalar: types.NumericType, what: str = "parameters") -> Dict[str, Any]:
    """Check parameter values against the model and add its derived parameters.

    Returns
    -------
    dict
        Name -> (value) for parameters and derived parameters, in declaration order.
    """
    check_names(owner, what, values, [p.name for p in model.params])
    out: Dict[str, Any] = {}
    for spec in model.params:
        out[spec.name] = _check_param_value(owner, spec.name, values[spec.name],
                                            types.parse_numeric_type(spec.type, scalar))
        if isinstance(out[spec.name], float):
            validation.check_finite(owner, f"parameter '{spec.name}'", out[spec.name])
    for spec in model.derived_params:
        try:
            value = spec.func(dict(out), dt)
        except validation.InvalidParameter as exc:  # a built-in model's check of its parameters
            raise ValueError(f"{owner}: {exc}") from None
        except Exception as exc:  # the user's function failed: say which one
            raise ValueError(f"{owner}: derived parameter '{spec.name}' of {model.describe()} "
                             f"raised {type(exc).__name__}: {exc}") from exc
        out[spec.name] = _check_param_value(owner, spec.name, value,
                                            types.parse_numeric_type(spec.type, scalar))
        if isinstance(out[spec.name], float) and math.isnan(out[spec.name]):
            # (infinite ones are meaningful: a Poisson source of rate 0 never spikes)
            raise ValueError(f"{owner}: derived parameter '{spec.name}' of {model.describe()} is NaN; "
                             f"check the parameters it is computed from")
    return out


def check_param_value(owner: str, model: ModelBase, name: str, value: Any, scalar: types.NumericType) -> Any:
    """A value for parameter ``name`` of ``model`` (e.g. a dynamic parameter's new value): a
    finite number that fits the parameter's type."""
    spec = next(p for p in model.params if p.name == name)
    value = _check_param_value(owner, name, value, types.parse_numeric_type(spec.type, scalar))
    if isinstance(value, float):
        validation.check_finite(owner, f"parameter '{name}'", value)
    return value


def param_types(model: ModelBase, scalar: types.NumericType) -> Dict[str, types.NumericType]:
    """Name -> resolved type of parameters and derived parameters."""
    specs: List[Any] = list(model.params) + list(model.derived_params)
    return {s.name: types.parse_numeric_type(s.type, scalar) for s in specs}


def _check_param_value(owner: str, name: str, value: Any, ctype: types.NumericType) -> Any:
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value.item()
    if isinstance(value, (bool, np.bool_)):
        value = int(value)
    if not isinstance(value, numbers.Real):
        raise ValueError(f"{owner}: parameter '{name}' must be a number, not {value!r}")
    if ctype.is_integer:
        if not math.isfinite(float(value)) or float(value) != int(value):
            raise ValueError(f"{owner}: parameter '{name}' has integer type {ctype.name} "
                             f"but was given {value!r}")
        value = int(value)
        if not ctype.min <= value <= ctype.max:
            raise ValueError(f"{owner}: parameter '{name}' = {value} does not fit in {ctype.name}")
        return value
    return float(value)


@dataclass
class VarValue:
    """How one variable gets its initial values."""

    init: Optional[VarInit]          # generated-code initialisation (None: from array)
    array: Optional[np.ndarray]      # values given by the user
    params: Dict[str, Any]           # resolved snippet params (incl. derived)


def resolve_vars(owner: str, specs: Sequence[VarSpec], values: Mapping[str, Any], size: Optional[int],
                 dt: float, scalar: types.NumericType, what: str = "variables") -> Dict[str, VarValue]:
    """Check the initial values of variables: numbers, arrays of ``size`` or ``init_var`` objects."""
    check_names(owner, what, values, [v.name for v in specs])
    out = {}
    for spec in specs:
        ctype = types.parse_numeric_type(spec.type, scalar)
        out[spec.name] = resolve_var_value(f"{owner}: variable '{spec.name}'", values[spec.name],
                                           ctype, size, dt, scalar)
    return out


def resolve_var_value(owner: str, value: Any, ctype: types.NumericType, size: Optional[int],
                      dt: float, scalar: types.NumericType) -> VarValue:
    if isinstance(value, VarInit):
        validation.check_model(value.snippet)
        snippet_owner = f"{owner}, {value.snippet.describe()}"
        params = resolve_params(snippet_owner, value.snippet, value.params, dt, scalar)
        return VarValue(value, None, params)
    if isinstance(value, (numbers.Real, np.number, bool)) and not isinstance(value, np.ndarray):
        if isinstance(value, float) and math.isnan(value):
            raise ValueError(f"{owner}: initial value must be a number, not NaN")
        validation.check_integer_values(owner, value, ctype)  # whole and in range for integer types
        if ctype.is_integer and float(scalar.dtype.type(value)) != value:
            # Constant's value is a scalar: an integer it cannot hold exactly is given as an array
            if size is None:
                raise ValueError(f"{owner}: {value!r} is not exactly representable in the model's precision "
                                 f"({scalar.name}); give the values as an array")
            return VarValue(None, np.full(size, value, dtype=ctype.dtype), {})
        constant = init_var("Constant", {"constant": value})
        return VarValue(constant, None, {"constant": float(value)})
    if isinstance(value, (list, tuple, np.ndarray)):
        array = np.asarray(value)
        if array.ndim == 0:
            return resolve_var_value(owner, array.item(), ctype, size, dt, scalar)
        if size is not None and array.size != size:
            raise ValueError(f"{owner}: array has {array.size} values but {size} are needed")
        if not np.issubdtype(array.dtype, np.number) and array.dtype != np.bool_:
            raise ValueError(f"{owner}: array must be numeric, not {array.dtype}")
        return VarValue(None, validation.check_integer_values(owner, array.reshape(-1), ctype), {})
    raise ValueError(f"{owner}: initial value must be a number, an array or init_var(...), not {value!r}")
