"""A format's mapping to FOCUS, as data: for each FOCUS column, where its value comes from.

A rule is one of: a source column (`Column`), the first of several the file has (`AnyOf`), a
constant (`Constant`), a source value translated through a table (`Translate`) or looked up in
one that says what a value not in it becomes (`Lookup`), the first rule giving the row a value
(`FirstValue`), the column a
switch column's value picks (`PickColumn`), the product of two source numbers (`Product`), the
day after a source date (`DayAfter`, for inclusive end dates and daily rows), a key of a JSON
object column (`MapKey`), or tags (`TagColumns` from prefixed columns, `TagText` from one).
Every rule names the source columns it reads, so a header can be checked against it and the
columns it does not read kept as extras.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    source: str

    def reads(self) -> tuple[str, ...]:
        return (self.source,)


@dataclass(frozen=True)
class AnyOf:
    """The first of `sources` the file's header has: one value that successive versions of an
    export named differently (Azure EA's `Cost`, later `CostInBillingCurrency`)."""

    sources: tuple[str, ...]

    def reads(self) -> tuple[str, ...]:
        return self.sources


@dataclass(frozen=True)
class Constant:
    value: str

    def reads(self) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True)
class Translate:
    """The source value looked up in `table`; a value not in it is kept as it is."""

    source: str
    table: tuple[tuple[str, str], ...]

    def reads(self) -> tuple[str, ...]:
        return (self.source,)


@dataclass(frozen=True)
class Lookup:
    """The source value looked up in `table`, without regard to case when `any_case`; a value not
    in it (or no value) gives `default`. The table is data: a code of the source's catalogue
    -> the FOCUS value it belongs to (an AWS product code -> its ServiceCategory)."""

    source: str
    table: tuple[tuple[str, str], ...]
    default: str | None = None
    any_case: bool = False

    def reads(self) -> tuple[str, ...]:
        return (self.source,)


@dataclass(frozen=True)
class FirstValue:
    """The value of the first of `rules` that gives the row one (a rule reading a column the
    file lacks gives none): a source column, else what another column implies, else a constant."""

    rules: tuple[Rule, ...]

    def reads(self) -> tuple[str, ...]:
        return tuple(column for rule in self.rules for column in rule.reads())


@dataclass(frozen=True)
class PickColumn:
    """The value of the column `choices` names for the switch column's value, else `default`."""

    switch: str
    choices: tuple[tuple[str, str], ...]
    default: str

    def reads(self) -> tuple[str, ...]:
        return (self.switch, self.default, *(column for _, column in self.choices))


@dataclass(frozen=True)
class Product:
    left: str
    right: str

    def reads(self) -> tuple[str, ...]:
        return (self.left, self.right)


@dataclass(frozen=True)
class DayAfter:
    source: str

    def reads(self) -> tuple[str, ...]:
        return (self.source,)


@dataclass(frozen=True)
class MapKey:
    """One key of a column holding a JSON object (CUR 2.0's `product` map)."""

    source: str
    key: str

    def reads(self) -> tuple[str, ...]:
        return (self.source,)


@dataclass(frozen=True)
class TagColumns:
    """Every source column starting with `prefix` is a tag, keyed by the rest of its name."""

    prefix: str

    def reads(self) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True)
class TagText:
    """Tags held in one column as JSON, or as Azure's brace-less `"k": "v"` fragment."""

    source: str

    def reads(self) -> tuple[str, ...]:
        return (self.source,)


Rule = (
    Column
    | AnyOf
    | Constant
    | Translate
    | Lookup
    | FirstValue
    | PickColumn
    | Product
    | DayAfter
    | MapKey
    | TagColumns
    | TagText
)


@dataclass(frozen=True)
class FormatMapping:
    """How one format's columns become FOCUS columns.

    `rules` maps a FOCUS column to its rule; `signature` holds source columns whose presence
    identifies the format in a header (matched without regard to case when `any_case`);
    `required` the FOCUS columns a file must be able to fill to be read at all.
    """

    name: str
    title: str
    rules: dict[str, Rule]
    signature: tuple[str, ...]
    required: tuple[str, ...] = ()
    any_case: bool = False
    notes: tuple[str, ...] = field(default=())

    def columns_read(self) -> frozenset[str]:
        return frozenset(column for rule in self.rules.values() for column in rule.reads())

    def columns_consumed(self) -> frozenset[str]:
        """The columns whose value a FOCUS column holds as it is. Not one: a map column only some
        keys are taken from, a column only looked up (its code says more than the category it
        gives), a column read only when an earlier one has no value."""
        return frozenset(
            column
            for rule in self.rules.values()
            for column in rule.reads()
            if column not in _read_partly(rule)
        )

    def tag_prefixes(self) -> tuple[str, ...]:
        return tuple(r.prefix for r in self.rules.values() if isinstance(r, TagColumns))


def _read_partly(rule: Rule) -> tuple[str, ...]:
    if isinstance(rule, MapKey | Lookup):
        return (rule.source,)
    if isinstance(rule, FirstValue):
        first, *fallbacks = rule.rules
        return _read_partly(first) + tuple(c for each in fallbacks for c in each.reads())
    return ()
