"""Built-in maths functions of GeNNCode and their overload kinds."""
from __future__ import annotations

from typing import Dict, Tuple

#: name -> (number of arguments, kind).  Kinds:
#: ``float``: all arguments and the result use the chosen floating type;
#: ``ilogb``: one floating argument, int32 result;
#: ``ldexp``: (floating, int32) -> floating;
#: ``minmax``: integer version when all arguments are integers;
#: ``printf``: format string plus any numeric arguments.
BUILTINS: Dict[str, Tuple[int, str]] = {}

for _name in ("cos", "sin", "tan", "acos", "asin", "atan", "cosh", "sinh", "tanh",
              "acosh", "asinh", "atanh", "exp", "expm1", "exp2", "log", "log1p",
              "log2", "log10", "sqrt", "cbrt", "ceil", "floor", "round", "rint",
              "trunc", "nearbyint", "fabs", "erf", "erfc", "tgamma", "lgamma"):
    BUILTINS[_name] = (1, "float")
for _name in ("atan2", "pow", "hypot", "fmod", "nextafter", "remainder", "fdim",
              "fmax", "fmin", "copysign"):
    BUILTINS[_name] = (2, "float")
BUILTINS["fma"] = (3, "float")
BUILTINS["ilogb"] = (1, "ilogb")
BUILTINS["ldexp"] = (2, "ldexp")
BUILTINS["scalbn"] = (2, "ldexp")
BUILTINS["min"] = (2, "minmax")
BUILTINS["max"] = (2, "minmax")
BUILTINS["abs"] = (1, "minmax")
BUILTINS["printf"] = (-1, "printf")
