"""The one error a cost file's reading or normalising raises: it names the file, the row and the
column, so a load report can say exactly what to fix."""

from __future__ import annotations


class CostFileError(ValueError):
    """Bad input in a cost file. `row` is the data row's 1-based number (0 for the header),
    `column` the source column's name ("" when the problem is the file as a whole)."""

    def __init__(self, file: str, row: int, column: str, problem: str) -> None:
        self.file = file
        self.row = row
        self.column = column
        self.problem = problem
        where = "header" if row == 0 else f"row {row}"
        at_column = f", column {column}" if column else ""
        super().__init__(f"{file} {where}{at_column}: {problem}")


class ValueProblem(ValueError):
    """A single value that cannot be read as its FOCUS type; the normaliser adds the file, row
    and column and raises a CostFileError."""
