"""What a parsed policy is: its sections and clauses, with stable ids, and its metadata."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Format = Literal["markdown", "text", "html"]


@dataclass(frozen=True, slots=True)
class Clause:
    id: str
    text: str
    section: str
    section_index: int
    paragraph: int  # paragraph number within the whole document, from 1
    sentence: int  # sentence number within its paragraph, from 1
    position: int  # clause number within the whole document, from 1
    # What the clause is read under besides its section: the lead-in sentence of the list it is
    # an item of (and its parent items), the header row of its table, a run-in heading.
    context: str = ""


@dataclass(frozen=True, slots=True)
class Section:
    index: int
    title: str
    clause_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Contact:
    email: str | None
    phone: str | None
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    address: str | None = None


@dataclass(frozen=True, slots=True)
class Policy:
    title: str
    owner: str | None
    effective_date: str | None  # as written in the policy
    effective_date_iso: str | None
    contact: Contact
    sections: tuple[Section, ...]
    clauses: tuple[Clause, ...]
    source: str = ""
    _by_id: dict[str, Clause] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update({c.id: c for c in self.clauses})

    def clause(self, clause_id: str) -> Clause | None:
        return self._by_id.get(clause_id)

    def previous(self, clause: Clause) -> Clause | None:
        """The clause before this one in the same paragraph, if any."""
        if clause.position < 2:
            return None
        prev = self.clauses[clause.position - 2]
        return prev if prev.paragraph == clause.paragraph else None

    def next(self, clause: Clause) -> Clause | None:
        """The clause after this one in the same paragraph, if any."""
        if clause.position >= len(self.clauses):
            return None
        nxt = self.clauses[clause.position]
        return nxt if nxt.paragraph == clause.paragraph else None
