"""Export everything to one JSON file and import it again (backup, moving machines, merging installs).

Cards are not exported: they are derived from the grades and rebuilt on import. Ids are random, so
importing into a database that already has the same records skips them instead of duplicating.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, String, insert
from sqlmodel import Session, col, select

from interviewer.db import converters
from interviewer.db.grades import GradeRows
from interviewer.db.store import StorageError, StoreBase
from interviewer.db.tables import (
    ClarificationRow,
    GradeRow,
    ProfileRow,
    ReferenceFlagRow,
    SessionRow,
    TurnRow,
)
from interviewer.db.transfer_checks import (
    DEFAULT_MAX_BYTES,
    FORMAT,
    SECTIONS,
    VERSION,
    as_utc,
    flag_key,
    parse,
    read_export,
)
from interviewer.files import write_text
from interviewer.history import (
    ClarificationRecord,
    GradeRecord,
    Profile,
    ReferenceFlag,
    SessionRecord,
    TurnRecord,
)


class Transfer(StoreBase):
    """`export_data` / `import_data` and their JSON-file forms (a part of `Repository`); an import
    reschedules the cards it touches through `grades`."""

    def __init__(self, engine: Engine, grades: GradeRows) -> None:
        super().__init__(engine)
        self._grades = grades

    def export_data(self) -> dict[str, Any]:
        """Every profile, session, turn, grade and reference flag as plain JSON-ready data."""
        with self._read() as session:
            names = {r.id: r.name for r in session.exec(select(ProfileRow)).all()}
            profiles = [
                converters.profile(r) for r in session.exec(select(ProfileRow).order_by(col(ProfileRow.id)))
            ]
            sessions = session.exec(
                select(SessionRow).order_by(col(SessionRow.started_at), col(SessionRow.id))
            )
            turns = session.exec(select(TurnRow).order_by(col(TurnRow.session_id), col(TurnRow.ordinal)))
            asked: dict[str, list[ClarificationRecord]] = {}
            query = select(ClarificationRow).order_by(col(ClarificationRow.asked_at),
                                                      col(ClarificationRow.id))
            for row in session.exec(query):
                asked.setdefault(row.turn_id, []).append(converters.clarification(row))
            grades = session.exec(select(GradeRow).order_by(col(GradeRow.created_at), col(GradeRow.id)))
            flags = session.exec(select(ReferenceFlagRow).order_by(col(ReferenceFlagRow.id)))
            return {
                "format": FORMAT,
                "version": VERSION,
                "exported_at": datetime.now(UTC).isoformat(),
                "profiles": [p.model_dump(mode="json", exclude={"id"}) for p in profiles],
                "sessions": [
                    converters.session(r, names[r.profile_id]).model_dump(mode="json") for r in sessions
                ],
                "turns": [converters.turn(r, clarifications=asked.get(r.id, ())).model_dump(
                    mode="json", exclude={"grades"}) for r in turns],
                "grades": [_grade_data(r) for r in grades],
                "reference_flags": [
                    converters.reference_flag(
                        r, names.get(r.profile_id) if r.profile_id else None
                    ).model_dump(mode="json", exclude={"id"})
                    for r in flags
                ],
            }

    def export_json(self, path: str | Path) -> dict[str, int]:
        """Write `export_data()` to `path` (`interviewer.files.write_text`: atomic for a regular file, written
        through for a device, pipe or `-`); returns how many records of each kind."""
        data = self.export_data()
        write_text(path, json.dumps(data, ensure_ascii=False, indent=1))
        return _counts(data)

    def import_json(self, path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> dict[str, int]:
        """Read a file written by `export_json` and add what is not there yet; returns how many were added.

        Errors (`StorageError`) name the file; nothing is written unless the whole file is valid."""
        data = read_export(path, max_bytes)
        try:
            return self.import_data(data)
        except StorageError as exc:
            raise StorageError(f"{path}: {exc}") from None

    def import_data(self, data: Any) -> dict[str, int]:
        """Add the records of an export and rebuild the affected cards, in one transaction: a bad record or
        a crash part-way leaves the database as it was, so importing again redoes everything."""
        parsed = parse(data)
        with self._write() as session:
            added, touched = _Importer(self, session).run(*parsed)
            for profile_id, question_id in sorted(touched):
                self._grades.reschedule(session, profile_id, question_id)
        return added


def _grade_data(row: GradeRow) -> dict[str, Any]:
    data = converters.grade(row).model_dump(mode="json")
    data["rating"] = row.rating
    return data


def _counts(data: dict[str, Any]) -> dict[str, int]:
    return {key: len(data[key]) for key in SECTIONS}


class _Importer:
    """One import inside one write transaction."""

    def __init__(self, store: Transfer, session: Session) -> None:
        self.store = store
        self.session = session
        self.profile_ids: dict[str, int] = {}

    def run(
        self,
        profiles: list[Profile],
        sessions: list[SessionRecord],
        turns: list[TurnRecord],
        grades: list[tuple[GradeRecord, int | None]],
        flags: list[ReferenceFlag],
    ) -> tuple[dict[str, int], set[tuple[int, str]]]:
        """Insert what is new; returns counts added and the (profile id, question) cards to rebuild."""
        created = 0
        for profile in profiles:
            if self.store._profile_id(self.session, profile.name) is None:
                created += 1
            self._profile_id(profile.name, profile.created_at)
        added_sessions = self._sessions(sessions)
        added_turns = self._turns(turns, {s.id for s in sessions})
        added_grades, touched = self._grades(grades)
        added_flags = self._flags(flags)
        counts = {
            "profiles": created,
            "sessions": added_sessions,
            "turns": added_turns,
            "grades": added_grades,
            "reference_flags": added_flags,
        }
        return counts, touched

    def _profile_id(self, name: str, created_at: datetime | None = None) -> int:
        if name not in self.profile_ids:
            row = self.store._profile_row(self.session, name, create=True, created_at=created_at)
            assert row is not None and row.id is not None
            self.profile_ids[name] = row.id
        return self.profile_ids[name]

    def _existing(self, model: type[Any], ids: list[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(ids), 500):  # stay under bound-parameter limits
            chunk = ids[start : start + 500]
            found.update(self.session.exec(select(model.id).where(col(model.id).in_(chunk))).all())
        return found

    def _insert(self, model: type[Any], rows: list[dict[str, Any]]) -> int:
        if rows:
            _check_lengths(model, rows)
            self.session.execute(insert(model), rows)
        return len(rows)

    def _sessions(self, records: list[SessionRecord]) -> int:
        known = self._existing(SessionRow, [r.id for r in records])
        rows = [
            {
                **r.model_dump(exclude={"profile"}),
                "mode": r.mode.value,
                "state": r.state.value,
                "profile_id": self._profile_id(r.profile),
            }
            for r in records
            if r.id not in known
        ]
        return self._insert(SessionRow, rows)

    def _turns(self, records: list[TurnRecord], sessions: set[str]) -> int:
        known = self._existing(TurnRow, [r.id for r in records])
        fresh = sorted((r for r in records if r.id not in known), key=lambda r: (r.session_id, r.ordinal))
        missing = {r.session_id for r in fresh} - sessions
        missing -= self._existing(SessionRow, sorted(missing))
        if missing:
            raise StorageError(f"a turn refers to unknown session {min(missing)}")
        turn_ids = {r.id for r in records}
        parents = {r.parent_turn_id for r in fresh if r.parent_turn_id} - turn_ids
        parents -= self._existing(TurnRow, sorted(parents))
        if parents:
            raise StorageError(f"a turn refers to unknown parent turn {min(parents)}")
        added = self._insert(TurnRow, [r.model_dump(exclude={"grades", "clarifications"}) for r in fresh])
        asked = [{**c.model_dump(), "turn_id": r.id} for r in fresh for c in r.clarifications]
        self._insert(ClarificationRow, asked)
        return added

    def _grades(self, records: list[tuple[GradeRecord, int | None]]) -> tuple[int, set[tuple[int, str]]]:
        known = self._existing(GradeRow, [g.id for g, _ in records])
        fresh = [(g, rating) for g, rating in records if g.id not in known]
        owners = self._turn_owners({g.turn_id for g, _ in fresh})
        rows, touched = [], set()
        for grade, rating in fresh:
            if grade.turn_id not in owners:
                raise StorageError(f"grade {grade.id} refers to unknown turn {grade.turn_id}")
            profile_id, question_id, _name = owners[grade.turn_id]
            touched.add((profile_id, question_id))
            rows.append(
                {
                    "id": grade.id,
                    "turn_id": grade.turn_id,
                    "profile_id": profile_id,
                    "question_id": question_id,
                    "created_at": grade.created_at,
                    "rating": rating,
                    **converters.grade_columns(grade.grade),
                }
            )
        return self._insert(GradeRow, rows), touched

    def _turn_owners(self, turn_ids: set[str]) -> dict[str, tuple[int, str, str]]:
        owners: dict[str, tuple[int, str, str]] = {}
        ids = sorted(turn_ids)
        for start in range(0, len(ids), 500):
            rows = self.session.exec(
                select(TurnRow.id, SessionRow.profile_id, TurnRow.question_id, ProfileRow.name)
                .join(SessionRow, col(SessionRow.id) == col(TurnRow.session_id))
                .join(ProfileRow, col(ProfileRow.id) == col(SessionRow.profile_id))
                .where(col(TurnRow.id).in_(ids[start : start + 500]))
            ).all()
            owners.update({tid: (pid, qid, name) for tid, pid, qid, name in rows})
        return owners

    def _flags(self, records: list[ReferenceFlag]) -> int:
        existing = {
            flag_key(converters.reference_flag(r, None)) for r in self.session.exec(select(ReferenceFlagRow))
        }
        rows = [
            {
                "question_id": f.question_id,
                "reason": f.reason.strip(),
                "created_at": as_utc(f.created_at),
                "profile_id": self._profile_id(f.profile) if f.profile else None,
            }
            for f in records
            if flag_key(f) not in existing
        ]
        return self._insert(ReferenceFlagRow, rows)


def _check_lengths(model: type[Any], rows: list[dict[str, Any]]) -> None:
    """PostgreSQL refuses strings longer than a VARCHAR column; say which field instead of a driver error."""
    limits = {
        c.name: c.type.length
        for c in model.__table__.columns
        if isinstance(c.type, String) and c.type.length
    }
    for row in rows:
        for name, limit in limits.items():
            value = row.get(name)
            if isinstance(value, str) and len(value) > limit:
                raise StorageError(f"{model.__tablename__}.{name} is longer than {limit} characters")
