"""What the screens call: a thin adapter over the bank, storage, engine factory and LLM client.

Screens never open DB sessions or HTTP clients: they call `UiServices`, which returns the plain view objects
of `ui_models` (or the engine's own API objects). Heavy imports (SQLAlchemy, httpx, the bank) happen on first
use, so the home screen paints before any of them load. Tests pass fakes for any part.
"""

from __future__ import annotations

import contextlib
import tomllib
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from interviewer.config import Settings, load_settings
from interviewer.files import write_text
from interviewer.services.ui.models import (
    LlmStatus,
    ProgressView,
    SessionListItem,
    SummaryView,
    TopicMasteryView,
    TopicView,
    TranscriptView,
)

if TYPE_CHECKING:
    from interviewer.services.engine.api import EngineAPI, ResumableSession
    from interviewer.services.ui.ui_state import SessionForm
    from question_bank import Bank

EngineFactory = Callable[[], "EngineAPI"]
LlmProbe = Callable[[Settings], Any]  # async (settings) -> LlmStatus
PROBE_TIMEOUT_S = 3.0
EDITABLE_SETTINGS = ("profile", "language", "persona", "theme", "llm.base_url", "llm.model")


class UiServices:
    """One per app. Every method is cheap or runs off the event loop in the screen that calls it."""

    def __init__(
        self,
        settings: Settings,
        *,
        engine_factory: EngineFactory | None = None,
        repository: Any = None,
        bank: Bank | None = None,
        llm_probe: LlmProbe | None = None,
        now: Callable[[], datetime] | None = None,
        seed: int | None = None,
    ) -> None:
        """`seed` makes question selection reproducible (tests, `--seed`); None = random per session."""
        self._settings = settings
        self._engine_factory = engine_factory
        self._repository = repository
        self._bank = bank
        self._llm_probe = llm_probe
        self._last_probe: LlmStatus | None = None
        self._now = now
        self.seed = seed
        self._warmed = False

    @classmethod
    def from_settings(cls, db: str | None = None, profile: str | None = None) -> UiServices:
        """Read settings (file + env) with CLI overrides on top."""
        return cls(load_settings(database_url=db, profile=profile))

    # --- parts, built on first use ---------------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        return self._settings

    @property
    def profile(self) -> str:
        return self._settings.profile

    @property
    def bank(self) -> Bank:
        if self._bank is None:
            from question_bank import load_bank

            self._bank = load_bank()
        return self._bank

    @property
    def repository(self) -> Any:
        if self._repository is None:
            from interviewer.db.repository import open_repository

            self._repository = open_repository(self._settings.resolved_database_url)
        return self._repository

    def new_engine(self) -> EngineAPI:
        """A fresh engine for one session (wired to the real bank, storage, grader and LLM by default)."""
        if self._engine_factory is not None:
            return self._engine_factory()
        from interviewer.services.engine.factory import make_engine

        probe = self._last_probe
        # The endpoint was down at the last check, so grades will come from the offline grader's fallback.
        down = probe is not None and not probe.offline and not probe.reachable
        options: dict[str, Any] = {"offline": True} if down else {}
        return make_engine(self._settings, bank=self.bank, repository=self.repository, **options)

    def warm_up(self) -> None:
        """Load the offline grader's dictionary and IDF table now (call from a thread): done lazily, the
        first grade would hold the event loop for a second or two. Once per process; failures are left
        for the real grade to report."""
        if self._warmed:
            return
        self._warmed = True
        with contextlib.suppress(Exception):
            from interviewer.grading.bank_tables import tables_for
            from interviewer.grading.text import analyse

            analyse("预热 warm-up")  # jieba's dictionary
            tables_for(self.bank)  # the bank's IDF table and topic index, which the engines' grader uses

    def now(self) -> datetime | None:
        return self._now() if self._now else None

    # --- home ----------------------------------------------------------------------------------------

    def llm_status(self) -> LlmStatus:
        """What is configured, without a network call."""
        llm = self._settings.llm
        return LlmStatus(offline=not llm.configured, model=llm.model)

    async def probe_llm(self) -> LlmStatus:
        """Ask the endpoint whether it is up (short timeout); offline stays offline."""
        status = self.llm_status()
        if status.offline:
            return status
        probe = self._llm_probe or probe_endpoint
        self._last_probe = await probe(self._settings)
        return self._last_probe

    def topics(self) -> list[TopicView]:
        bank = self.bank
        return [TopicView(t.slug, t.name, len(bank.by_topic(t.slug))) for t in bank.topics]

    def topic_name(self, slug: str) -> str:
        try:
            return self.bank.topic(slug).name
        except KeyError:
            return slug

    def session_form(self) -> SessionForm | None:
        """Home's form values last used by this profile (None: use the defaults)."""
        from interviewer.services.ui.ui_state import load_session_form

        return load_session_form(self.profile)

    def remember_session_form(self, form: SessionForm) -> None:
        """Keep the form values for the next launch; a state file that cannot be written is not an error
        worth stopping a session for, so that is left silent."""
        from interviewer.services.ui.ui_state import save_session_form

        with contextlib.suppress(OSError):
            save_session_form(self.profile, form)

    def due_count(self) -> int:
        return len(self.repository.due_questions(self.profile, 1000, now=self.now()))

    def resumable_sessions(self) -> Sequence[ResumableSession]:
        """The newest unfinished session the engine can resume (the same list the engine gives)."""
        from interviewer.services.engine.stored_sessions import resumable_sessions

        return resumable_sessions(self.repository, self.profile, limit=1)

    # --- review --------------------------------------------------------------------------------------

    def list_sessions(self, limit: int = 100) -> list[SessionListItem]:
        from interviewer.services.ui.history import session_item

        repo = self.repository
        return [session_item(r, repo.turns_for_session(r.id), self.topic_name)
                for r in repo.list_sessions(self.profile, limit=limit)]

    def transcript(self, session_id: str) -> TranscriptView:
        from interviewer.services.ui.history import build_transcript

        repo = self.repository
        record = repo.get_session(session_id)
        turns = repo.turns_for_session(record.id)
        cards = {c.question_id: c for c in repo.cards(self.profile)}
        flagged = {f.question_id for f in repo.flagged_references()}
        return build_transcript(record, turns, self._question_lookup, cards, flagged, self.topic_name)

    def session_summary(self, session_id: str, drill_topics: int = 3) -> SummaryView:
        """The end-of-session summary (call from a thread): scores, time, missed points, the next drill."""
        from interviewer.services.ui.summary import build_summary

        repo = self.repository
        record = repo.get_session(session_id)
        turns = repo.turns_for_session(record.id)
        drill = self.weakest_topics(drill_topics)
        return build_summary(record, turns, self._question_lookup, self.topic_name, drill)

    def delete_session(self, session_id: str) -> dict[str, int]:
        """Delete a session with its answers and grades; spaced repetition is replayed without them."""
        return dict(self.repository.delete_session(session_id))

    def discard_session(self, session_id: str) -> str:
        """End an unfinished session without resuming it: `deleted` when nothing in it was answered,
        else `abandoned` (its answers and grades stay in Review, where it can be deleted)."""
        from interviewer.services.ui.history import answered_main_turns

        repo = self.repository
        if answered_main_turns(repo.turns_for_session(session_id)) == 0:
            repo.delete_session(session_id)
            return "deleted"
        repo.abandon_session(session_id)
        return "abandoned"

    def find_session(self, prefix: str) -> str:
        """A full session id from an id or a unique prefix of one (as printed by the review list)."""
        from interviewer.services.ui.history import resolve_session_id

        return resolve_session_id(prefix, [r.id for r in self.repository.list_sessions(self.profile)])

    def self_grade(self, turn_id: str, question_id: str, *, score: float | None = None,
                   rating: int | None = None) -> datetime | None:
        """Store the user's grade (0-10, or a rating 1-4 = Again/Hard/Good/Easy); returns the new due date."""
        self.repository.record_self_grade(turn_id, score=score, rating=rating)
        card = self.repository.card(self.profile, question_id)
        return card.due if card else None

    def flag_reference(self, question_id: str, reason: str) -> None:
        self.repository.flag_reference(question_id, reason, profile=self.profile)

    def export(self, session_id: str, fmt: str) -> str:
        from interviewer.services.ui.transcript_export import export_transcript

        return export_transcript(self.transcript(session_id), fmt)

    # --- drill and progress --------------------------------------------------------------------------

    def weakest_topics(self, n: int = 50) -> list[TopicMasteryView]:
        """Weakest first: graded topics from storage (with due counts), then never-practised ones."""
        bank = self.bank
        ranked = self.repository.weakest_topics(self.profile, n, _topic_lookup(bank), now=self.now())
        seen = {m.topic for m in ranked}
        views = [TopicMasteryView(m.topic, self.topic_name(m.topic), m.mastery, m.due, m.n_graded)
                 for m in ranked]
        views += [TopicMasteryView(t.slug, t.name, None, 0) for t in bank.topics if t.slug not in seen]
        return views[:n]

    def progress(self) -> ProgressView:
        from interviewer.services.ui.history import agreement_pairs, score_trend

        repo = self.repository
        records = list(reversed(repo.list_sessions(self.profile, limit=30)))
        per_session = [(r, repo.turns_for_session(r.id)) for r in records]
        mastery = tuple(sorted(self.weakest_topics(), key=lambda m: m.name))
        return ProgressView(score_trend(per_session), mastery, agreement_pairs(per_session))

    def _question_lookup(self, question_id: str) -> Any:
        # A retired id merged into another question shows that question's reference; a removed one, none.
        return self.bank.resolve(question_id)

    # --- settings ------------------------------------------------------------------------------------

    def save_settings(self, changes: dict[str, str]) -> Settings:
        """Write the editable settings to the TOML config file and reload (env vars still win)."""
        from interviewer.locations import config_file

        path = config_file()
        data: dict[str, Any] = tomllib.loads(path.read_text("utf-8")) if path.exists() else {}
        for dotted, value in changes.items():
            if dotted not in EDITABLE_SETTINGS:
                raise ValueError(f"not an editable setting: {dotted}")
            section, _, key = dotted.rpartition(".")
            target = data.setdefault(section, {}) if section else data
            if value == "":
                target.pop(key, None)
            else:
                target[key] = value
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text(path, dump_toml(data))  # atomic: a crash mid-write never leaves half a config file
        overrides = {"database_url": self._settings.database_url, "profile": changes.get("profile")}
        self._settings = load_settings(**overrides)
        return self._settings


def _topic_lookup(bank: Bank) -> Callable[[str], str | None]:
    def topic_of(question_id: str) -> str | None:
        question = bank.resolve(question_id)  # history of merged questions counts for the question kept
        return question.topic if question is not None else None

    return topic_of


def dump_toml(data: dict[str, Any]) -> str:
    """Minimal TOML writer for our flat settings (strings, numbers, bools; one level of tables)."""
    import json

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float):
            return repr(v)
        return json.dumps(str(v), ensure_ascii=False)  # JSON string escapes are valid TOML basic strings

    lines = [f"{k} = {value(v)}" for k, v in data.items() if not isinstance(v, dict)]
    for table, items in data.items():
        if isinstance(items, dict):
            lines += ["", f"[{table}]"] + [f"{k} = {value(v)}" for k, v in items.items()]
    return "\n".join(lines).lstrip("\n") + "\n"


async def probe_endpoint(settings: Settings) -> LlmStatus:
    """GET the endpoint's `/v1/models` with a short timeout (the LLM client's own check)."""
    from interviewer.llm import make_llm_client

    llm = settings.llm
    client = make_llm_client(settings, connect_timeout_s=min(llm.connect_timeout_s, PROBE_TIMEOUT_S),
                             read_timeout_s=PROBE_TIMEOUT_S, max_retries=0)
    if client is None:
        return LlmStatus(offline=True, model=llm.model)
    try:
        models = await client.list_models()
    except Exception as error:  # any failure means: grade offline
        return LlmStatus(offline=False, reachable=False, model=llm.model, detail=type(error).__name__)
    finally:
        await client.aclose()
    if llm.model not in models:
        return LlmStatus(offline=False, reachable=False, model=llm.model, detail="model not served")
    return LlmStatus(offline=False, reachable=True, model=llm.model)
