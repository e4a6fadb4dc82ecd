"""Turning one raw row of a cost file into a CostRow, by its format's mapping.

A Normaliser is made once per file from its header: it refuses a header of another format or
missing a column it needs, then reads every row the same way. Guarantees: each FOCUS value is
typed by the catalogue (Decimal exactly as written, UTC datetimes, tag dicts); every source
column the mapping does not read whole is kept in `extras` under its own name when it has a value;
a value that cannot be read raises a CostFileError naming the file, row and column.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal, localcontext
from functools import cache

from domain.costs.cost_row import CostRow, FocusValue
from domain.costs.detect import check_format
from domain.costs.errors import CostFileError, ValueProblem
from domain.costs.focus_columns import BY_NAME, FOCUS_COLUMNS, DataType
from domain.costs.mapping import (
    AnyOf,
    Column,
    Constant,
    DayAfter,
    FormatMapping,
    MapKey,
    PickColumn,
    Product,
    Rule,
    TagColumns,
    TagText,
    Translate,
)
from domain.costs.values import (
    NULL_TEXTS,
    is_null,
    parse_datetime,
    parse_decimal,
    parse_json_object,
    parse_tags,
)

RawRow = Mapping[str, str | None]


class Normaliser:
    def __init__(self, file: str, mapping: FormatMapping, header: Sequence[str]) -> None:
        check_format(file, header, mapping)
        self.file = file
        self.mapping = mapping
        self._header = {(h.lower() if mapping.any_case else h): h for h in header}
        self._resolved: dict[str, str | None] = {}
        for focus in mapping.required:
            self._require(focus)
        self._rules = [
            (c.name, mapping.rules[c.name])
            for c in FOCUS_COLUMNS
            if c.name in mapping.rules and self._applies(mapping.rules[c.name])
        ]
        # A column read as it is (every FOCUS column of a FOCUS file) is read straight from its
        # resolved source column with its type's parser, without dispatching on its rule.
        self._plan = [
            (
                name,
                rule,
                self._column(rule.source) if isinstance(rule, Column) else None,
                _parser(name),
            )
            for name, rule in self._rules
        ]
        read = {self._column(c) for c in mapping.columns_consumed()}
        prefixes = mapping.tag_prefixes()
        self.extra_columns = tuple(
            h for h in header if h not in read and not h.startswith(prefixes or ("\0",))
        )
        self._tag_columns = tuple(h for h in header if prefixes and h.startswith(prefixes))

    def _require(self, focus: str) -> None:
        rule = self.mapping.rules[focus]
        if not self._applies(rule):
            absent = " or ".join(c for c in rule.reads() if self._column(c) is None)
            problem = f"missing from the header; {self.mapping.title} reads {focus} from it"
            raise CostFileError(self.file, 0, absent, problem)

    def _column(self, name: str) -> str | None:
        if name not in self._resolved:  # resolved once per file, not once per row
            self._resolved[name] = self._header.get(name.lower() if self.mapping.any_case else name)
        return self._resolved[name]

    def _applies(self, rule: Rule) -> bool:
        if isinstance(rule, AnyOf):
            return any(self._column(column) is not None for column in rule.sources)
        if isinstance(rule, PickColumn):
            return self._column(rule.switch) is not None and self._column(rule.default) is not None
        return all(self._column(column) is not None for column in rule.reads())

    def normalise(self, row_number: int, raw: RawRow) -> CostRow:
        focus: dict[str, FocusValue] = {}
        for name, rule, column, parse in self._plan:
            if column is None:
                focus[name] = self._evaluate(name, rule, raw, row_number)
                continue
            text = raw.get(column)
            if text is None or text.strip() in NULL_TEXTS:
                focus[name] = None
                continue
            try:
                focus[name] = parse(text)
            except ValueProblem as problem:
                raise CostFileError(self.file, row_number, column, str(problem)) from problem
        extras = {
            c: v for c in self.extra_columns if (v := raw.get(c)) is not None and not is_null(v)
        }
        return CostRow(focus=focus, extras=extras, row_number=row_number)

    def _text(self, raw: RawRow, source: str) -> str | None:
        column = self._column(source)
        value = raw.get(column) if column is not None else None
        return None if is_null(value) else value

    def _typed(self, focus: str, source: str, raw: RawRow, row: int) -> FocusValue:
        text = self._text(raw, source)
        if text is None:
            return None
        try:
            return _as_type(focus, text)
        except ValueProblem as problem:
            column = self._column(source) or source
            raise CostFileError(self.file, row, column, str(problem)) from problem

    def _evaluate(self, focus: str, rule: Rule, raw: RawRow, row: int) -> FocusValue:
        match rule:
            case Column(source):
                return self._typed(focus, source, raw, row)
            case AnyOf(sources):
                present = next(s for s in sources if self._column(s) is not None)
                return self._typed(focus, present, raw, row)
            case Constant(value):
                return _as_type(focus, value)
            case Translate(source, table):
                text = self._text(raw, source)
                return None if text is None else _lookup(table).get(text, text)
            case PickColumn(switch, choices, default):
                picked = _lookup(choices).get(self._text(raw, switch) or "", default)
                return self._typed(focus, picked, raw, row)
            case Product(left, right):
                return self._product(focus, left, right, raw, row)
            case DayAfter(source):
                start = self._typed(focus, source, raw, row)
                return start + timedelta(days=1) if isinstance(start, datetime) else None
            case MapKey(source, key):
                return self._map_key(focus, source, key, raw, row)
            case TagColumns(prefix):
                tags: dict[str, object] = {
                    c[len(prefix) :]: v for c in self._tag_columns if not is_null(v := raw.get(c))
                }
                return tags or None
            case TagText(source):
                return self._typed("Tags", source, raw, row)
        raise AssertionError(f"no evaluation for {rule!r}")

    def _map_key(self, focus: str, source: str, key: str, raw: RawRow, row: int) -> FocusValue:
        text = self._text(raw, source)
        try:
            value = parse_json_object(text).get(key) if text is not None else None
            return None if value is None or is_null(str(value)) else _as_type(focus, str(value))
        except ValueProblem as problem:
            column = self._column(source) or source
            raise CostFileError(self.file, row, column, str(problem)) from problem

    def _product(self, focus: str, left: str, right: str, raw: RawRow, row: int) -> FocusValue:
        a, b = self._typed(focus, left, raw, row), self._typed(focus, right, raw, row)
        if not isinstance(a, Decimal) or not isinstance(b, Decimal):
            return None
        with localcontext() as exact:  # both factors' digits fit: the product is not rounded
            exact.prec = len(a.as_tuple().digits) + len(b.as_tuple().digits) + 1
            return a * b


@cache
def _lookup(table: tuple[tuple[str, str], ...]) -> dict[str, str]:
    return dict(table)


def _as_type(focus: str, text: str) -> FocusValue:
    return _parser(focus)(text)


@cache
def _parser(focus: str) -> Callable[[str], FocusValue]:
    """The function reading a text as the FOCUS column's type."""
    data_type = BY_NAME[focus].data_type
    if data_type is DataType.DECIMAL:
        return parse_decimal
    if data_type is DataType.DATETIME:
        return parse_datetime
    if data_type is DataType.JSON:
        return parse_tags if focus == "Tags" else parse_json_object
    return str
