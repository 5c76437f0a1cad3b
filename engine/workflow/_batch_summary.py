"""The counts of a batch: cases by status, the most frequent risks and recommendations, and how the run
ended (complete, or interrupted with how many cases not assessed)."""

from __future__ import annotations

import signal
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from engine._atomic import atomic_write_text

STATUSES = ("no_action", "plan", "screen_first", "refer", "refer_urgently", "invalid", "failed")
TOP = 5


@dataclass
class BatchSummary:
    """Counts for the whole batch (resumed lines included); risks and recommendations once per case."""

    total: int = 0
    by_status: Counter = field(default_factory=Counter)
    risks: Counter = field(default_factory=Counter)
    recommendations: Counter = field(default_factory=Counter)
    invalid: list[tuple[str, str]] = field(default_factory=list)
    reports: list[str] = field(default_factory=list)
    report_errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    resumed: int = 0  # results taken over from an earlier run (--resume)
    interrupted_by: int = 0  # the signal that stopped the batch (0: it ran to the end)
    not_assessed: int = 0  # inputs left when it stopped

    def add(self, result) -> None:
        self.total += 1
        self.by_status[result.status] += 1
        self.risks.update(result.risks)
        self.recommendations.update(result.recommendations)
        if result.status in ("invalid", "failed"):
            self.invalid.append((result.file, result.error or ""))
        if result.report_error:
            self.report_errors.append(result.report_error)

    @property
    def all_valid(self) -> bool:
        return not self.by_status["invalid"] and not self.by_status["failed"]

    @property
    def rate(self) -> float:
        return (self.total - self.resumed) / self.seconds if self.seconds else 0.0

    def ending(self) -> str | None:
        """One line on how an interrupted batch ended (None when it completed)."""
        if not self.interrupted_by:
            return None
        name = signal.Signals(self.interrupted_by).name
        return (
            f"interrupted by {name}: {self.total} cases finished ({self.resumed} from an earlier run), "
            f"{self.not_assessed} not assessed"
        )

    @staticmethod
    def _top(counter: Counter) -> list[tuple[str, int]]:
        return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]

    def rows(self) -> list[tuple[str, str, int, str]]:
        """(section, name, cases, share of all cases) - the table and the CSV show exactly these."""

        def share(n: int) -> str:
            return f"{100 * n / self.total:.1f}%" if self.total else "-"

        rows = [("cases", "total", self.total, share(self.total))]
        rows += [("status", s, self.by_status[s], share(self.by_status[s])) for s in STATUSES]
        rows += [("risk", name, n, share(n)) for name, n in self._top(self.risks)]
        rows += [("recommendation", name, n, share(n)) for name, n in self._top(self.recommendations)]
        return rows

    def write_csv(self, path: str | Path) -> None:
        """The rows as CSV, written atomically (a failure leaves a previous file untouched)."""
        import csv
        import io

        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer)
        writer.writerow(("section", "name", "cases", "share"))
        writer.writerows(self.rows())
        atomic_write_text(path, buffer.getvalue())

    def table(self):
        from rich.table import Table

        title = f"Batch summary: {self.total} cases in {self.seconds:.1f} s ({self.rate:.0f} cases/s)"
        if self.interrupted_by:
            title += f" - INTERRUPTED, {self.not_assessed} not assessed"
        table = Table(title=title, title_justify="left")
        for name, justify in (("section", "left"), ("name", "left"), ("cases", "right"), ("share", "right")):
            table.add_column(name, justify=justify)
        for section, name, n, share in self.rows():
            style = "bold red" if name in ("invalid", "failed") and n else None
            table.add_row(section, name, str(n), share, style=style)
        return table
