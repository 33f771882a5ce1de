"""The custom JSON Schema formats, registered on one FormatChecker.

Each checker returns True for values of other types or shapes: the schema's `type` and
`pattern` report those, so one bad value gets one clear message, not three.
A checker that needs to say more than "bad format" raises FormatDetail, which the issue
translator reads back from the error's `cause`.

Pure Python on purpose: the phone validates with it, and jsonschema (whose `referencing`
needs the Rust extension rpds-py, which Android builds lack) must not be imported there.
`FormatChecker` keeps jsonschema's `checkers` table ({name: (function, exceptions)}) and its
`check` / `conforms` meaning, so the tests hand the same table to jsonschema
(`schemas._loader.jsonschema_format_checker`) to compare the two validators.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping

import geothai

from schemas import geo
from schemas.fda_numbers import classify as classify_fda
from schemas.phone import is_valid_phone
from schemas.thai_dates import current_year_be
from schemas.thai_id import is_valid_thai_id

__all__ = ["FORMAT_CHECKER", "FormatChecker", "FormatDetail", "FormatFailure",
           "make_format_checker"]

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?"
                       r"(Z|[+-][0-9]{2}:[0-9]{2})")


class FormatDetail(Exception):
    """Raised by a checker to give a failure its own code and message; `field` names the
    sub-field at fault ("" for the value itself), `{label}` in a message is the field's."""

    def __init__(self, field: str, code: str, message_th: str, message_en: str) -> None:
        super().__init__(message_en)
        self.field = field
        self.code = code
        self.message_th = message_th
        self.message_en = message_en


class FormatFailure(Exception):
    """A value that does not conform to its format; `cause` is the checker's FormatDetail,
    if it raised one (as jsonschema's FormatError carries it)."""

    def __init__(self, message: str, cause: BaseException | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.cause = cause


Check = Callable[[object], bool]


class FormatChecker:
    """The formats the schemas use, by name: jsonschema's FormatChecker without jsonschema.

    An unknown format passes (as in JSON Schema, where formats are open-ended).
    """

    def __init__(self) -> None:
        self.checkers: dict[str, tuple[Check, tuple[type[Exception], ...]]] = {}

    def checks(self, name: str, raises: type[Exception] | tuple[type[Exception], ...] = ()
               ) -> Callable[[Check], Check]:
        """Register the decorated function as the check of format `name`; the exceptions
        in `raises` count as a failure whose cause they become."""
        caught = raises if isinstance(raises, tuple) else (raises,)

        def register(func: Check) -> Check:
            self.checkers[name] = (func, caught)
            return func

        return register

    def check(self, instance: object, format: str) -> None:
        """Raise FormatFailure if `instance` does not conform to `format`."""
        if format not in self.checkers:
            return
        func, raises = self.checkers[format]
        result, cause = False, None
        try:
            result = func(instance)
        except raises as error:
            cause = error
        if not result:
            raise FormatFailure(f"{instance!r} is not a {format!r}", cause=cause)

    def conforms(self, instance: object, format: str) -> bool:
        try:
            self.check(instance, format)
        except FormatFailure:
            return False
        return True


def _thai_id(value: object) -> bool:
    if not isinstance(value, str) or len(value) != 13 or not value.isdigit():
        return True
    return is_valid_thai_id(value)


def _phone(value: object) -> bool:
    return not isinstance(value, str) or is_valid_phone(value)


def _code_exists(length: int, lookup: Callable[[str], object]) -> Callable[[object], bool]:
    def check(value: object) -> bool:
        if not isinstance(value, str) or len(value) != length or not value.isdigit():
            return True
        return lookup(value) is not None

    return check


def _postal_code(value: object) -> bool:
    if not isinstance(value, str) or len(value) != 5 or not value.isdigit():
        return True
    return geo.is_postal_code(value)


def _address(value: object) -> bool:
    if not isinstance(value, Mapping):
        return True
    problems = geo.address_problems(value)
    if problems:
        first = problems[0]
        raise FormatDetail(first.field, first.code, first.message_th, first.message_en)
    return True


# Stored dates are Gregorian. A year past 2400 is almost always a พ.ศ. year typed into a
# Gregorian field (2569 for 2026): say so, rather than store a date five centuries ahead.
_GREGORIAN_YEARS = range(1900, 2300)


def _buddhist_year_slip(year: int) -> FormatDetail:
    return FormatDetail(
        "", "date_buddhist_year",
        f"{{label}} ต้องเก็บเป็นปี ค.ศ. แต่ได้ปี {year} ซึ่งน่าจะเป็น พ.ศ. (ค.ศ. = พ.ศ. − 543)",
        f"{{label}} must be stored with a Gregorian year, but the year is {year}, which looks "
        "like a Buddhist Era year (C.E. = B.E. − 543)",
    )


def _iso(shape: re.Pattern[str], parse: Callable[[str], dt.date]) -> Callable[[object], bool]:
    """A checker for stored dates or timestamps: the exact shape, a real day, a C.E. year."""

    def check(value: object) -> bool:
        if not isinstance(value, str):
            return True
        if not shape.fullmatch(value):
            return False
        try:
            year = parse(value).year
        except ValueError:
            return False
        if year not in _GREGORIAN_YEARS:
            raise _buddhist_year_slip(year)
        return True

    return check


_date = _iso(_DATE, dt.date.fromisoformat)
_datetime = _iso(_DATETIME, dt.datetime.fromisoformat)


def _gtin(value: object) -> bool:
    # isascii(): str.isdigit() also accepts '²' and other digits int() cannot read; those
    # strings are the pattern's to reject, not an exception in the middle of validation.
    if (not isinstance(value, str) or not value.isascii() or not value.isdigit()
            or len(value) not in (8, 12, 13, 14)):
        return True
    check = int(value[-1])
    # GS1: weights 3,1,3,1... from the digit next to the check digit, over the ASCII codes
    # (each digit's code is 48 more than the digit)
    codes = value[-2::-1].encode()
    tripled, single = codes[::2], codes[1::2]
    total = 3 * sum(tripled) + sum(single) - ord("0") * (3 * len(tripled) + len(single))
    return (10 - total % 10) % 10 == check


def _fda_number(value: object) -> bool:
    # Only a string of digits of a length no Thai FDA serial has is refused; other shapes
    # (legacy, unknown) are kept and reported by `schemas.record_warnings`.
    if not isinstance(value, str):
        return True
    return not classify_fda(value).refused


def make_format_checker(today: Callable[[], dt.date] | None = None) -> FormatChecker:
    """A checker with every format the schemas use. `today` is passed in for tests."""
    checker = FormatChecker()

    def be_year_not_future(value: object) -> bool:
        if not isinstance(value, int) or isinstance(value, bool):
            return True
        return value <= current_year_be(today() if today else None)

    checks: dict[str, Callable[[object], bool]] = {
        "th-id-13": _thai_id,
        "th-phone": _phone,
        "th-province-code": _code_exists(2, geothai.province),
        "th-district-code": _code_exists(4, geothai.district),
        "th-subdistrict-code": _code_exists(6, geothai.subdistrict),
        "th-postal-code": _postal_code,
        "gtin": _gtin,
        "th-fda-number": _fda_number,
        "be-year-not-future": be_year_not_future,
    }
    for name, func in checks.items():
        checker.checks(name)(func)
    for name, func in (("th-address", _address), ("date", _date), ("date-time", _datetime)):
        checker.checks(name, raises=FormatDetail)(func)
    return checker


FORMAT_CHECKER = make_format_checker()
