"""Numbers of ``$[...]`` expressions: long-double-like arithmetic on
:class:`decimal.Decimal` (34 digits), ``%.18Lg`` formatting, ``strtod`` and the maths
built-ins (``COS`` ... ``LOG10``).

Trigonometric functions are computed in double precision (their last digits may differ
from Asterisk's long-double results); the others are exact to 34 digits, which prints
the same 18 significant digits as Asterisk.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Decimal,
    localcontext,
)
from decimal import Context as _DecimalContext

__all__ = ["DECIMAL_CONTEXT", "MATH_FUNCTIONS", "format_number", "strtod"]

DECIMAL_CONTEXT = _DecimalContext(prec=34, traps=[])
_CTX = DECIMAL_CONTEXT
_INT_LIMIT = Decimal(10) ** 18


def format_number(value: Decimal) -> str:
    """Format like C's ``printf("%.18Lg")``."""
    if value.is_nan():
        return "-nan" if value.is_signed() else "nan"
    if value.is_infinite():
        return "-inf" if value.is_signed() else "inf"
    if value == 0:
        return "-0" if value.is_signed() else "0"
    if -_INT_LIMIT < value < _INT_LIMIT and value == value.to_integral_value():
        return str(int(value))  # fast path: integers below 10**18 print in full
    with localcontext(_CTX):
        exponent = value.adjusted()
        rounded = value.quantize(Decimal(1).scaleb(exponent - 17), rounding=ROUND_HALF_EVEN)
        if rounded.adjusted() != exponent:
            exponent = rounded.adjusted()
            rounded = value.quantize(Decimal(1).scaleb(exponent - 17), rounding=ROUND_HALF_EVEN)
    sign = "-" if rounded.is_signed() else ""
    digits = "".join(str(d) for d in rounded.as_tuple().digits).ljust(18, "0")[:18]
    if -4 <= exponent < 18:
        if exponent >= 0:
            whole, frac = digits[: exponent + 1], digits[exponent + 1 :]
        else:
            whole, frac = "0", "0" * (-exponent - 1) + digits
        frac = frac.rstrip("0")
        return f"{sign}{whole}.{frac}" if frac else f"{sign}{whole}"
    mantissa = digits[0]
    frac = digits[1:].rstrip("0")
    if frac:
        mantissa += "." + frac
    esign = "-" if exponent < 0 else "+"
    return f"{sign}{mantissa}e{esign}{abs(exponent):02d}"


_STRTOD = re.compile(r"\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)")


def strtod(text: str) -> Decimal:
    m = _STRTOD.match(text)
    if not m:
        return Decimal(0)
    return Decimal(m.group(1))


def _via_float(fn: Callable[[float], float]) -> Callable[[Decimal], Decimal]:
    def apply(x: Decimal) -> Decimal:
        return Decimal(repr(fn(float(x))))

    return apply


def _safe_log(x: Decimal, base_ln: Decimal | None = None) -> Decimal:
    if x == 0:
        return Decimal("-Infinity")
    if x < 0:
        return Decimal("NaN")
    result = x.ln()
    return result / base_ln if base_ln is not None else result


def _round_to(x: Decimal, rounding: str) -> Decimal:
    if not x.is_finite():
        return x
    return x.quantize(Decimal(1), rounding=rounding)


def _remainder(x: Decimal, y: Decimal) -> Decimal:
    if y == 0:
        return Decimal("NaN")
    n = (x / y).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
    return x - n * y


def _pow(x: Decimal, y: Decimal) -> Decimal:
    if x == 0 and y < 0:
        return Decimal("Infinity")
    if x < 0 and y != y.to_integral_value():
        return Decimal("-NaN")
    return x**y


MATH_FUNCTIONS: dict[str, tuple[int, Callable[..., Decimal]]] = {
    "COS": (1, _via_float(math.cos)),
    "SIN": (1, _via_float(math.sin)),
    "TAN": (1, _via_float(math.tan)),
    "ACOS": (1, _via_float(math.acos)),
    "ASIN": (1, _via_float(math.asin)),
    "ATAN": (1, _via_float(math.atan)),
    "ATAN2": (2, lambda y, x: Decimal(repr(math.atan2(float(y), float(x))))),
    "POW": (2, _pow),
    "SQRT": (1, lambda x: x.sqrt() if x >= 0 else Decimal("-NaN")),
    "FLOOR": (1, lambda x: _round_to(x, ROUND_FLOOR)),
    "CEIL": (1, lambda x: _round_to(x, ROUND_CEILING)),
    "ROUND": (1, lambda x: _round_to(x, ROUND_HALF_UP)),
    "RINT": (1, lambda x: _round_to(x, ROUND_HALF_EVEN)),
    "TRUNC": (1, lambda x: _round_to(x, ROUND_DOWN)),
    "REMAINDER": (2, _remainder),
    "EXP": (1, lambda x: x.exp()),
    "EXP2": (1, lambda x: _pow(Decimal(2), x)),
    "EXP10": (1, lambda x: _pow(Decimal(10), x)),
    "LOG": (1, _safe_log),
    "LOG2": (1, lambda x: _safe_log(x, Decimal(2).ln())),
    "LOG10": (1, lambda x: _safe_log(x, Decimal(10).ln())),
}
