"""TOML that cannot crash on a number: `loads` keeps a number too long for `int()`
as its digits.

Python refuses `int()` of more than 4,300 digits (ValueError, not TOMLDecodeError)
and would spend quadratic time on it otherwise. Such a number is never a real
setting or field, so it is read as the text it is and the caller, which checks
types and ranges anyway, reports it.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

# TOML strings and comments, skipped whole; or a bare run of 100 digits or more.
_TOKEN = re.compile(
    r'("""[\s\S]*?"""'
    r"|'''[\s\S]*?'''"
    r'|"(?:\\.|[^"\\\n])*"'
    r"|'[^'\n]*'|#[^\n]*)"
    r"|(?<![\w.+-])([+-]?\d[\d_]{99,})(?![\w.])"
)


def loads(text: str) -> dict[str, Any]:
    """`tomllib.loads`, except that over-long numbers load as strings.
    Raises tomllib.TOMLDecodeError for TOML that is invalid."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        raise
    except ValueError as error:  # int() refused a number too long to convert
        if "digits" not in str(error):
            raise
        return tomllib.loads(quote_long_numbers(text))


def quote_long_numbers(text: str) -> str:
    def quoted(match: re.Match[str]) -> str:
        return match.group(1) or f'"{match.group(2)}"'

    return _TOKEN.sub(quoted, text)
