"""Recording off the request path: a view hands over what was asked and answered in a few
microseconds; a background task redacts it and writes it in batches from a bounded queue.

A database that is down, slow or full never slows or fails an answer: what cannot be queued
or written is dropped, counted (in /healthz) and logged once a minute at most.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from qa_service.config import InsightsText
from qa_service.corpus import Policy
from qa_service.engine import Answer
from qa_service.insights.store import UNANSWERED, Question, Store, Vote
from qa_service.redact import redact

log = logging.getLogger("qa_service")

Channel = Literal["widget", "agent", "api"]
CHANNELS: tuple[Channel, ...] = ("widget", "agent", "api")
# Below this, an answer is doubtful enough that its question's text is kept by default.
LOW_CONFIDENCE = 0.6
# A vote is taken for a day after the answer; later, its id is "expired".
FEEDBACK_WINDOW = timedelta(days=1)
COMPLAIN_EVERY = 60.0  # seconds between log lines about dropped events
PURGE_EVERY = 3600.0  # seconds between deletions of records past retention
CLOSE_WITHIN = 10.0  # seconds the last write may take at shutdown
# Events a transaction: preparing a write runs on the event loop, so a second's worth of
# busy traffic is written in slices, each holding requests up for a millisecond or two.
CHUNK = 200


def policy_digest(policy: Policy) -> str:
    """The policy's version: a hash of its clauses' texts, the same in every process."""
    digest = hashlib.sha256()
    for clause in policy.clauses:
        digest.update(clause.text.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def keeps_text(mode: InsightsText, answer: Answer) -> bool:
    if mode == "all":
        return True
    if mode == "none":
        return False
    return answer.status in UNANSWERED or (
        answer.status == "answered" and answer.confidence < LOW_CONFIDENCE
    )


@dataclass(frozen=True, slots=True)
class _Asked:
    """A question as it was answered; its text is still unredacted (redacting is the
    writer's work) and is None when it is not to be kept."""

    answer_id: str
    at: float  # time.time()
    channel: Channel
    answer: Answer
    policy: Policy
    text: str | None


_Event = _Asked | Vote


@dataclass(frozen=True, slots=True)
class Stats:
    recorded: int  # events written
    dropped: int  # events lost: queue full or database unavailable
    queued: int  # waiting for the next write


class Recorder:
    def __init__(
        self,
        store: Store,
        *,
        text: InsightsText = "unanswered",
        days: int = 90,
        interval: float = 1.0,
        capacity: int = 10_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.text = text
        self.days = days
        self.interval = interval
        self.capacity = capacity
        self.clock = clock
        self._pending: list[_Event] = []
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        # Answer ids this process gave recently, for taking votes without a database read.
        self._issued: OrderedDict[str, float] = OrderedDict()
        self._issued_max = 50_000
        self._schema_ready = False
        self._digests: tuple[Policy, str] | None = None
        self._recorded = 0
        self._dropped = 0
        self._unreported = 0  # dropped since the last log line
        self._last_complaint = -COMPLAIN_EVERY
        self._down_since: int | None = None  # drops counted when writes began to fail

    # --- on the request path ---------------------------------------------------------------

    def asked(self, answer: Answer, question: str, channel: Channel, policy: Policy) -> str:
        """Queue what was asked; the new answer's id."""
        answer_id = secrets.token_urlsafe(16)
        now = self.clock()
        self._issued[answer_id] = now
        if len(self._issued) > self._issued_max:
            self._issued.popitem(last=False)
        text = question if keeps_text(self.text, answer) else None
        self._queue(_Asked(answer_id, now, channel, answer, policy, text))
        return answer_id

    def voted(self, answer_id: str, helpful: bool, comment: str | None) -> None:
        """Queue a vote (its comment is redacted by the writer)."""
        self._queue(Vote(answer_id, helpful, comment))

    async def votable(self, answer_id: str) -> bool:
        """Whether an answer with this id was given, here or by another process sharing the
        database, within the feedback window. Raises what the database raises."""
        now = self.clock()
        given = self._issued.get(answer_id)
        if given is not None:
            return now - given <= FEEDBACK_WINDOW.total_seconds()
        since = _minute(now) - FEEDBACK_WINDOW
        return await self.store.answered_since(answer_id, since)

    def _queue(self, event: _Event) -> None:
        if len(self._pending) >= self.capacity:
            self._drop(1, None)
            return
        self._pending.append(event)
        if len(self._pending) >= self.capacity // 2:
            self._wake.set()

    @property
    def stats(self) -> Stats:
        return Stats(self._recorded, self._dropped, len(self._pending))

    # --- in the background -----------------------------------------------------------------

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="insights-writer")

    async def close(self) -> None:
        """Write what is queued (on SIGTERM too), then stop; bounded by CLOSE_WITHIN."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._task), CLOSE_WITHIN)
            except TimeoutError:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
                log.warning("insights: %d event(s) not written at shutdown", len(self._pending))
        await self.store.close()

    async def prepare(self) -> None:
        """Apply the migrations; a database that is down now is tried again at each write."""
        try:
            await self._upgrade()
        except Exception as exc:
            log.warning(
                "insights: the database is unavailable (%s); questions are not recorded "
                "until it is back, answers are not affected",
                _reason(exc),
            )

    async def _run(self) -> None:
        next_purge = 0.0
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)
            self._wake.clear()
            await self.flush()
            if self._schema_ready and time.monotonic() >= next_purge:
                next_purge = time.monotonic() + PURGE_EVERY
                await self.purge()
        await self.flush()

    async def _upgrade(self) -> None:
        if not self._schema_ready:
            await self.store.upgrade()
            self._schema_ready = True

    async def flush(self) -> None:
        """Write everything queued, a transaction per CHUNK events, so that no one write holds
        the event loop long; what fails to be written is dropped and counted."""
        queued, self._pending = self._pending, []
        for start in range(0, len(queued), CHUNK):
            batch = queued[start : start + CHUNK]
            try:
                await self._upgrade()  # at start-up the server may have been down
                await self.store.write(*self._rows(batch))
            except Exception as exc:  # whatever the database or its driver raises
                if self._down_since is None:
                    self._down_since = self._dropped
                self._drop(len(queued) - start, exc)  # this chunk and the rest: not now
                return
            self._recorded += len(batch)
        if queued and self._down_since is not None:
            log.warning(
                "insights: writing again; %d event(s) were dropped while the database was "
                "unavailable",
                self._dropped - self._down_since,
            )
            self._down_since = None

    async def purge(self) -> None:
        """Delete records older than the retention period."""
        before = _minute(self.clock()) - timedelta(days=self.days)
        try:
            deleted = await self.store.purge(before)
        except Exception as exc:  # the next write will say whether the database is down
            log.debug("insights: purge failed: %s", _reason(exc))
            return
        if deleted:
            log.info("insights: deleted %d record(s) older than %d days", deleted, self.days)

    def _rows(self, batch: list[_Event]) -> tuple[list[Question], list[Vote]]:
        asked: list[Question] = []
        votes: list[Vote] = []
        for event in batch:
            if isinstance(event, Vote):
                comment = redact(event.comment) if event.comment is not None else None
                votes.append(Vote(event.answer_id, event.helpful, comment))
                continue
            answer = event.answer
            asked.append(
                Question(
                    answer_id=event.answer_id,
                    minute=_minute(event.at),
                    channel=event.channel,
                    status=answer.status,
                    intent=answer.intent,
                    confidence=round(answer.confidence, 4),
                    policy=self._digest(event.policy),
                    text=redact(event.text) if event.text is not None else None,
                    clauses=tuple(c.clause.id for c in answer.citations),
                )
            )
        return asked, votes

    def _digest(self, policy: Policy) -> str:
        # The policy changes only on a reload: hash it once per policy object.
        if self._digests is None or self._digests[0] is not policy:
            self._digests = (policy, policy_digest(policy))
        return self._digests[1]

    # --- dropping, and saying so (not too often) ------------------------------------------

    def _drop(self, count: int, exc: BaseException | None) -> None:
        self._dropped += count
        self._unreported += count
        now = time.monotonic()
        if now - self._last_complaint < COMPLAIN_EVERY:
            return
        self._last_complaint = now
        reason = _reason(exc) if exc is not None else "the queue is full"
        log.warning(
            "insights: %d event(s) dropped (%s); answers are not affected",
            self._unreported,
            reason,
        )
        self._unreported = 0


def _minute(at: float) -> datetime:
    """UTC, to the minute, without a time zone (the column has none)."""
    return datetime.fromtimestamp(at - at % 60, UTC).replace(tzinfo=None)


def _reason(exc: BaseException) -> str:
    # The driver's own message, first line only: SQLAlchemy's adds the statement.
    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return f"{type(exc).__name__}: {detail[0][:200] if detail else 'no detail'}"
