"""What an import did, row by row and in total: what the CLI prints and ``--json`` gives."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Rejection:
    line: int
    reason: str


@dataclass
class ImportReport:
    source_id: str
    file_format: str
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[Rejection] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)
    precision: Counter = field(default_factory=Counter)
    dry_run: bool = False
    columns: dict[str, str] = field(default_factory=dict)
    # The sync: places gone from the source, back in it, and local edits kept over it.
    left_source: list[dict] = field(default_factory=list)
    returned: int = 0
    conflicts: list[dict] = field(default_factory=list)
    skipped: int = 0  # elements the short-chain filter or the area left out
    outside_region: int = 0
    region: tuple[float, float, float, float] | None = None
    region_set: bool = False  # the store's region was set from this import's extent
    link_proposals: int = 0
    guesses: list[str] = field(default_factory=list)  # how columns were recognised
    product_flags: dict[str, str] = field(default_factory=dict)
    kind_guessed: str | None = None
    preview: list[dict] = field(default_factory=list)  # the first rows as they would be stored

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        verb = "would import" if self.dry_run else "imported"
        text = (f"{self.read} read, {verb} {self.imported} ({self.created} new, "
                f"{self.updated} updated, {self.unchanged} unchanged, "
                f"{len(self.left_source)} left the source), "
                f"{len(self.rejected)} rejected, {len(self.warnings)} warnings, "
                f"{len(self.duplicates)} likely duplicates")
        if self.skipped:
            text += f", {self.skipped} skipped by the filter"
        return text

    def as_dict(self) -> dict:
        return {
            "source": self.source_id, "format": self.file_format, "dry_run": self.dry_run,
            "read": self.read, "created": self.created, "updated": self.updated,
            "unchanged": self.unchanged, "imported": self.imported,
            "rejected": [r.__dict__ for r in self.rejected],
            "warnings": [w.__dict__ for w in self.warnings],
            "duplicates": self.duplicates, "precision": dict(self.precision),
            "columns": self.columns, "left_source": self.left_source,
            "returned": self.returned, "conflicts": self.conflicts, "skipped": self.skipped,
            "outside_region": self.outside_region,
            "region": list(self.region) if self.region else None,
            "region_set": self.region_set, "link_proposals": self.link_proposals,
            "guesses": self.guesses, "product_flags": self.product_flags,
            "kind_guessed": self.kind_guessed, "preview": self.preview,
        }
