"""The audit's columnar view of many filings: one numpy array per field, rows linked by integer
indexes, so features and rules are group-bys (``np.bincount``, ``np.unique``, sorting) rather
than Python loops over scores.

Tables and their row indexes:

- review bodies ``e`` (``enterprise_*``): one per credit code;
- sessions ``s`` (``session_*``): one per filing (a filing is one review session);
- panel members ``m`` (``member_*``): one per member and session;
- applications ``a`` (``app_*``);
- score sheets ``r`` (``score_*``): one per member and application, rows of one application
  contiguous, ``score_values`` a (rows × K) matrix in the order of the session standard's
  criteria (K = the most criteria of any standard; unused columns hold 0 with weight 0);
- votes ``v`` and recusals ``c``;
- conflict relations ``l`` (``relation_*``, contract 1.1): (application, member, kind) for a
  member who directly supervises the applicant, is a close relative, or declared an interest,
  from either side of the filing (the member's lists or the application's).

Text fields that are compared (person keys, departments, organisations) are also coded as
integers (-1 for none) over a shared vocabulary, so comparisons are integer comparisons.

``from_documents`` builds from stored filing JSON (what ``Filing.model_dump(mode="json")``
gives) without pydantic; ``from_filings`` takes ``Filing`` objects. Duplicate ``filing_id``s
count once and a filing superseded by another in the set is left out. Filings are ordered by
(credit code, filing id) whatever the input order, so results do not depend on it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

import numpy as np
import numpy.typing as npt

from audit.contract import Filing
from audit.intake import collection_paused
from standards.document import Standard
from standards.levels import comparable_title_rank, education_rank, level_rank

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
ObjArray = npt.NDArray[np.object_]

VOTE_KINDS: tuple[str, ...] = ("approve", "reject", "abstain")
RELATION_KINDS: tuple[str, ...] = ("supervisor", "relative", "declared_interest")
RECUSAL_KINDS: tuple[str, ...] = (
    "relative",
    "same_department",
    "supervisor",
    "own_application",
    "collaborator",
    "other",
)


def _objects(values: Sequence[Any]) -> ObjArray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _ints(values: Sequence[int]) -> IntArray:
    return np.asarray(values, dtype=np.int64).reshape(len(values))


def _criterion_seconds(col: Mapping[str, list[Any]]) -> FloatArray:
    """Per sheet, the sum of its criteria's submitted minus started, where every criterion
    of the sheet carries both timestamps; NaN otherwise (one timestamp pair per sheet)."""
    n_timed = _ints(col["r_n_timed"])
    spent = _epoch_seconds(col["t_submitted"]) - _epoch_seconds(col["t_started"])
    sheet = np.repeat(np.arange(n_timed.size, dtype=np.int64), n_timed)
    ok = np.isfinite(spent)
    total = np.bincount(sheet[ok], weights=spent[ok], minlength=n_timed.size)
    complete = np.bincount(sheet[ok], minlength=n_timed.size)
    full = (n_timed > 0) & (complete == n_timed) & (n_timed >= _ints(col["r_n_criteria"]))
    return np.where(full, total, np.nan)


def _epoch_seconds(stamps: Sequence[str | None]) -> FloatArray:
    """ISO 8601 timestamps to seconds since the epoch (UTC; naive ones read as UTC), NaN for
    None. numpy parses the ``YYYY-MM-DDTHH:MM:SS`` part of the whole column at once; the few
    distinct suffixes (a fraction, a UTC offset) are read in Python once each."""
    n = len(stamps)
    out = np.full(n, np.nan)
    present = np.fromiter((s is not None for s in stamps), dtype=bool, count=n)
    given = [s for s in stamps if s is not None]
    if not given:
        return out
    suffixes = [s[19:] for s in given]
    distinct = set(suffixes)
    if len(distinct) > 64:
        # Fractional seconds make suffixes unique: parse each stamp whole instead.
        out[present] = [_stamp_seconds(s) for s in given]
        return out
    heads = given if distinct == {""} else [s[:19] for s in given]
    base = np.array(heads, dtype="datetime64[s]").astype(np.float64)
    if len(distinct) == 1:
        out[present] = base + _suffix_seconds(distinct.pop())
    else:
        adjust = {x: _suffix_seconds(x) for x in distinct}
        out[present] = base + np.array([adjust[x] for x in suffixes])
    return out


def _stamp_seconds(stamp: str) -> float:
    moment = datetime.fromisoformat(stamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _suffix_seconds(suffix: str) -> float:
    """Seconds to add for what follows ``YYYY-MM-DDTHH:MM:SS``: a fraction and a UTC offset."""
    fraction = 0.0
    if suffix.startswith("."):
        end = 1
        while end < len(suffix) and suffix[end].isdigit():
            end += 1
        fraction, suffix = float("0" + suffix[:end]), suffix[end:]
    if suffix in ("", "Z", "z"):
        return fraction
    offset = datetime.fromisoformat("2000-01-01T00:00:00" + suffix).utcoffset()
    return fraction - (offset.total_seconds() if offset is not None else 0.0)


def _canonical(document: Mapping[str, Any]) -> str:
    return json.dumps(document, sort_keys=True, ensure_ascii=False, default=str)


class _Vocabulary(dict[str, int]):
    """Text to integer codes, in order of first appearance; None and "" are -1."""

    def code(self, value: str | None) -> int:
        if not value:
            return -1
        return self.setdefault(value, len(self))

    def values_array(self) -> ObjArray:
        return _objects(list(self))


@dataclass(eq=False)
class AuditDataset:
    """Columnar filings (see the module docstring for the tables)."""

    enterprise_code: ObjArray
    enterprise_name: ObjArray
    enterprise_kind: ObjArray
    enterprise_cluster: ObjArray

    session_filing_id: ObjArray
    session_ref: ObjArray
    session_enterprise: IntArray
    session_track: ObjArray
    session_series: ObjArray
    session_level: ObjArray
    session_rank: IntArray  # the reviewed level's rank on its own ladder
    session_title_rank: IntArray  # the reviewed level's comparable title rank
    session_period: ObjArray
    session_held_on: npt.NDArray[np.datetime64]
    session_standard: IntArray
    session_standard_version: ObjArray

    standards: list[Standard]
    standard_weights: FloatArray  # (standards × K)
    standard_maxima: FloatArray  # (standards × K)
    standard_pass_score: FloatArray

    member_session: IntArray
    member_id: ObjArray
    member_track: ObjArray
    member_level: ObjArray
    member_title_rank: IntArray
    member_external: BoolArray
    member_chair: BoolArray
    member_org: ObjArray  # home organisation credit code, None for none
    member_department: IntArray  # department code, -1 for none
    member_supervisor: IntArray  # member row of the member's supervisor, -1 for none
    member_person: IntArray  # person code, -1 for none

    app_session: IntArray
    app_ref: ObjArray
    app_person: IntArray
    app_department: IntArray
    app_supervisor: IntArray  # member row, -1 for none
    app_exceptional: BoolArray
    app_approved: BoolArray
    app_final_score: FloatArray  # as reported, NaN for none
    app_education: IntArray  # claimed education rank (1 初中 .. 7 博士)
    app_name: ObjArray  # applicant's name as filed, None for none
    app_id_mask: ObjArray  # masked resident ID (intake's display mask), None for none
    app_facts: list[Mapping[str, Any] | None]  # the facts filed, None for none

    score_app: IntArray
    score_member: IntArray
    score_values: FloatArray  # (sheets × K)
    score_started: FloatArray  # seconds since the epoch, NaN for unknown
    score_submitted: FloatArray
    # Seconds spent per the sheet's per-criterion timestamps (contract 1.1), summed over its
    # criteria; NaN unless every criterion of the sheet was timed from start to submission.
    score_criterion_seconds: FloatArray

    vote_app: IntArray
    vote_member: IntArray
    vote_kind: npt.NDArray[np.int8]  # index into VOTE_KINDS

    recusal_app: IntArray
    recusal_member: IntArray
    recusal_kind: npt.NDArray[np.int8]  # index into RECUSAL_KINDS

    relation_app: IntArray
    relation_member: IntArray
    relation_kind: npt.NDArray[np.int8]  # index into RELATION_KINDS

    person_keys: ObjArray  # person code -> keyed hash
    departments: ObjArray  # department code -> name

    @property
    def n_applications(self) -> int:
        """Number of applications."""
        return len(self.app_ref)

    @property
    def n_sessions(self) -> int:
        """Number of sessions (filings)."""
        return len(self.session_ref)

    @property
    def app_enterprise(self) -> IntArray:
        """Review body of each application."""
        return self.session_enterprise[self.app_session]

    @classmethod
    def from_filings(cls, filings: Iterable[Filing]) -> AuditDataset:
        """Build from accepted (pseudonymised) ``Filing`` objects."""
        return cls.from_documents(f.model_dump(mode="json") for f in filings)

    @classmethod
    def from_documents(cls, documents: Iterable[Mapping[str, Any]]) -> AuditDataset:
        """Build from stored filing documents (the JSON of accepted filings) without pydantic.

        ``documents`` is consumed once and no document is kept (only each application's facts,
        for the eligibility re-check), so a generator over a database cursor
        keeps memory to the columns themselves."""
        builder = _Builder()
        with collection_paused():
            for document in documents:
                builder.add(document)
            return builder.build()


class _Builder:
    """Accumulates columns as Python lists, one document at a time, then converts each column
    to an array once and puts the rows in their canonical order."""

    def __init__(self) -> None:
        self.persons = _Vocabulary()
        self.departments = _Vocabulary()
        self.enterprises: dict[str, int] = {}
        self.standard_index: dict[str, int] = {}
        self.standards: list[Standard] = []
        self.criterion_codes: list[list[str]] = []
        self.filing_ids: set[str] = set()
        self.superseded: set[str] = set()
        self.rank_cache: dict[tuple[str, str], int] = {}
        self.cols: dict[str, list[Any]] = {name: [] for name in _COLUMNS}

    def standard(self, raw: Mapping[str, Any]) -> int:
        text = _canonical(raw)
        index = self.standard_index.get(text)
        if index is None:
            index = self.standard_index[text] = len(self.standards)
            standard = Standard.model_validate(raw)
            self.standards.append(standard)
            self.criterion_codes.append([c.code for c in standard.criteria])
        return index

    def title_rank(self, track: str, level: str) -> int:
        rank = self.rank_cache.get((track, level))
        if rank is None:
            rank = self.rank_cache[track, level] = comparable_title_rank(track, level)
        return rank

    def add(self, doc: Mapping[str, Any]) -> None:
        """Append one filing document (a repeated filing_id is the same filing: skipped)."""
        filing_id = doc["filing_id"]
        if filing_id in self.filing_ids:
            return
        self.filing_ids.add(filing_id)
        if doc.get("supersedes"):
            self.superseded.add(doc["supersedes"])
        col = self.cols
        body, session = doc["review_body"], doc["session"]
        e = self.enterprises.setdefault(body["credit_code"], len(self.enterprises))
        if e == len(col["ent_name"]):
            col["ent_name"].append(body["name"])
            col["ent_kind"].append(body["kind"])
            col["ent_cluster"].append(body["industry_cluster"])
        s = len(col["s_filing"])
        std = self.standard(session["standard"])
        track, level = session["track"], session["level"]
        col["s_filing"].append(filing_id)
        col["s_ref"].append(session["session_ref"])
        col["s_ent"].append(e)
        col["s_track"].append(track)
        col["s_series"].append(session["series"])
        col["s_level"].append(level)
        col["s_rank"].append(level_rank(track, level))
        col["s_title_rank"].append(self.title_rank(track, level))
        col["s_period"].append(session["period"])
        col["s_held"].append(session["held_on"])
        col["s_version"].append(session["standard_version"])
        col["s_standard"].append(std)

        person, department = self.persons.code, self.departments.code
        panel = doc["panel"]
        first = len(col["m_id"])
        rows = {m["member_id"]: first + i for i, m in enumerate(panel)}
        col["m_session"].extend([s] * len(panel))
        col["m_id"].extend([m["member_id"] for m in panel])
        col["m_track"].extend([m["track"] for m in panel])
        col["m_level"].extend([m["level"] for m in panel])
        col["m_title_rank"].extend([self.title_rank(m["track"], m["level"]) for m in panel])
        col["m_external"].extend([m["external"] for m in panel])
        col["m_chair"].extend([m.get("role") == "chair" for m in panel])
        col["m_org"].extend([m.get("organisation_credit_code") for m in panel])
        col["m_dept"].extend([department(m.get("department")) for m in panel])
        col["m_person"].extend([person(m.get("person_key")) for m in panel])
        col["m_supervisor"].extend([rows.get(m.get("supervisor_member_id"), -1) for m in panel])

        codes = self.criterion_codes[std]
        # itemgetter reads a sheet's scores in criterion order in C; a single code gives a
        # scalar, hence the wrapping.
        read = itemgetter(*codes) if len(codes) > 1 else (lambda v, c=codes[0]: (v[c],))
        applications = doc["applications"]
        first_app = len(col["a_session"])
        col["a_session"].extend([s] * len(applications))
        col["a_ref"].extend([x["application_ref"] for x in applications])
        col["a_person"].extend([person(x["applicant"].get("person_key")) for x in applications])
        col["a_dept"].extend([department(x.get("department")) for x in applications])
        col["a_supervisor"].extend(
            [rows.get(x.get("supervisor_member_id"), -1) for x in applications]
        )
        col["a_exceptional"].extend([x.get("exceptional", False) for x in applications])
        col["a_approved"].extend([x["approved"] for x in applications])
        col["a_final"].extend(
            [math.nan if x.get("final_score") is None else x["final_score"] for x in applications]
        )
        col["a_education"].extend([x["facts"]["education"] for x in applications])
        col["a_name"].extend([x["applicant"].get("name") for x in applications])
        col["a_mask"].extend([x["applicant"].get("id_mask") for x in applications])
        # Conflict relations (1.1), from the members' lists and the applications' own.
        app_rows = {x["application_ref"]: first_app + i for i, x in enumerate(applications)}
        for m in panel:
            member = rows[m["member_id"]]
            for field, kind in _RELATION_FIELDS:
                for ref in m.get(field) or ():
                    if ref in app_rows:
                        col["l_app"].append(app_rows[ref])
                        col["l_member"].append(member)
                        col["l_kind"].append(kind)
        for i, x in enumerate(applications):
            for field, kind in _APPLICATION_RELATION_FIELDS:
                for member_id in x.get(field) or ():
                    if member_id in rows:
                        col["l_app"].append(first_app + i)
                        col["l_member"].append(rows[member_id])
                        col["l_kind"].append(kind)
        # Facts of every application: approvals are re-checked for eligibility, and a
        # rejection is consistent when a hard requirement fails.
        col["a_facts"].extend([x["facts"] for x in applications])
        # Sheets, votes and recusals of the whole filing flattened once, with per-application
        # counts from which the application index is rebuilt by np.repeat at the end.
        sheets_of = [x.get("scores") or () for x in applications]
        sheets = [y for group in sheets_of for y in group]
        col["r_count"].extend([len(group) for group in sheets_of])
        col["r_member"].extend([rows[y["member_id"]] for y in sheets])
        col["r_values"].extend([read(y["values"]) for y in sheets])
        col["r_started"].extend([y.get("started_at") for y in sheets])
        col["r_submitted"].extend([y["submitted_at"] for y in sheets])
        timed = [y.get("criterion_times") or {} for y in sheets]
        col["r_n_criteria"].extend([len(y["values"]) for y in sheets])
        col["r_n_timed"].extend([len(t) for t in timed])
        col["t_started"].extend([c.get("started_at") for t in timed for c in t.values()])
        col["t_submitted"].extend([c["submitted_at"] for t in timed for c in t.values()])
        votes_of = [x.get("votes") or () for x in applications]
        votes = [y for group in votes_of for y in group]
        col["v_count"].extend([len(group) for group in votes_of])
        col["v_member"].extend([rows[y["member_id"]] for y in votes])
        col["v_kind"].extend([_VOTE_CODE[y["vote"]] for y in votes])
        recusals_of = [x.get("recusals") or () for x in applications]
        recusals = [y for group in recusals_of for y in group]
        col["c_count"].extend([len(group) for group in recusals_of])
        col["c_member"].extend([rows[y["member_id"]] for y in recusals])
        col["c_kind"].extend([_RECUSAL_CODE[y["kind"]] for y in recusals])

    def score_matrix(self) -> FloatArray:
        """Score sheets as (sheets × K), each row in its standard's criterion order, padded."""
        col = self.cols
        width = max((len(c) for c in self.criterion_codes), default=1)
        n = len(col["r_values"])
        if all(len(c) == width for c in self.criterion_codes):
            return np.asarray(col["r_values"], dtype=np.float64).reshape(n, width)
        out = np.zeros((n, width))
        lengths = np.fromiter((len(v) for v in col["r_values"]), dtype=np.int64, count=n)
        for k in np.unique(lengths):
            rows = np.flatnonzero(lengths == k)
            out[rows, :k] = np.asarray([col["r_values"][r] for r in rows], dtype=np.float64)
        return out

    def build(self) -> AuditDataset:
        col = self.cols
        width = max((len(c) for c in self.criterion_codes), default=1)
        weights = np.zeros((len(self.standards), width))
        maxima = np.ones((len(self.standards), width))
        for i, std in enumerate(self.standards):
            n = len(std.criteria)
            weights[i, :n] = [c.weight for c in std.criteria]
            maxima[i, :n] = [c.maximum for c in std.criteria]
        education_ranks = {e: education_rank(e) for e in set(col["a_education"])}
        n_sheets = len(col["r_values"])
        apps = np.arange(len(col["a_ref"]), dtype=np.int64)
        dataset = AuditDataset(
            enterprise_code=_objects(list(self.enterprises)),
            enterprise_name=_objects(col["ent_name"]),
            enterprise_kind=_objects(col["ent_kind"]),
            enterprise_cluster=_objects(col["ent_cluster"]),
            session_filing_id=_objects(col["s_filing"]),
            session_ref=_objects(col["s_ref"]),
            session_enterprise=_ints(col["s_ent"]),
            session_track=_objects(col["s_track"]),
            session_series=_objects(col["s_series"]),
            session_level=_objects(col["s_level"]),
            session_rank=_ints(col["s_rank"]),
            session_title_rank=_ints(col["s_title_rank"]),
            session_period=_objects(col["s_period"]),
            session_held_on=np.asarray(col["s_held"], dtype="datetime64[D]").reshape(
                len(col["s_held"])
            ),
            session_standard=_ints(col["s_standard"]),
            session_standard_version=_objects(col["s_version"]),
            standards=self.standards,
            standard_weights=weights,
            standard_maxima=maxima,
            standard_pass_score=np.array([s.pass_score for s in self.standards], dtype=np.float64),
            member_session=_ints(col["m_session"]),
            member_id=_objects(col["m_id"]),
            member_track=_objects(col["m_track"]),
            member_level=_objects(col["m_level"]),
            member_title_rank=_ints(col["m_title_rank"]),
            member_external=_bools(col["m_external"]),
            member_chair=_bools(col["m_chair"]),
            member_org=_objects(col["m_org"]),
            member_department=_ints(col["m_dept"]),
            member_supervisor=_ints(col["m_supervisor"]),
            member_person=_ints(col["m_person"]),
            app_session=_ints(col["a_session"]),
            app_ref=_objects(col["a_ref"]),
            app_person=_ints(col["a_person"]),
            app_department=_ints(col["a_dept"]),
            app_supervisor=_ints(col["a_supervisor"]),
            app_exceptional=_bools(col["a_exceptional"]),
            app_approved=_bools(col["a_approved"]),
            app_final_score=np.asarray(col["a_final"], dtype=np.float64).reshape(
                len(col["a_final"])
            ),
            app_education=_ints([education_ranks[e] for e in col["a_education"]]),
            app_name=_objects(col["a_name"]),
            app_id_mask=_objects(col["a_mask"]),
            app_facts=col["a_facts"],
            score_app=np.repeat(apps, _ints(col["r_count"])),
            score_member=_ints(col["r_member"]),
            score_values=self.score_matrix().reshape(n_sheets, width),
            score_started=_epoch_seconds(col["r_started"]),
            score_submitted=_epoch_seconds(col["r_submitted"]),
            score_criterion_seconds=_criterion_seconds(col),
            vote_app=np.repeat(apps, _ints(col["v_count"])),
            vote_member=_ints(col["v_member"]),
            vote_kind=np.asarray(col["v_kind"], dtype=np.int8).reshape(len(col["v_kind"])),
            recusal_app=np.repeat(apps, _ints(col["c_count"])),
            recusal_member=_ints(col["c_member"]),
            recusal_kind=np.asarray(col["c_kind"], dtype=np.int8).reshape(len(col["c_kind"])),
            relation_app=_ints(col["l_app"]),
            relation_member=_ints(col["l_member"]),
            relation_kind=np.asarray(col["l_kind"], dtype=np.int8).reshape(len(col["l_kind"])),
            person_keys=self.persons.values_array(),
            departments=self.departments.values_array(),
        )
        return _canonical_order(dataset, self.superseded)


_COLUMNS = [
    "ent_name",
    "ent_kind",
    "ent_cluster",
    "s_filing",
    "s_ref",
    "s_ent",
    "s_track",
    "s_series",
    "s_level",
    "s_rank",
    "s_title_rank",
    "s_period",
    "s_held",
    "s_version",
    "s_standard",
    "m_session",
    "m_id",
    "m_track",
    "m_level",
    "m_title_rank",
    "m_external",
    "m_chair",
    "m_org",
    "m_dept",
    "m_person",
    "m_supervisor",
    "a_session",
    "a_ref",
    "a_person",
    "a_dept",
    "a_supervisor",
    "a_exceptional",
    "a_approved",
    "a_final",
    "a_education",
    "a_facts",
    "a_name",
    "a_mask",
    "r_count",
    "r_member",
    "r_values",
    "r_started",
    "r_submitted",
    "r_n_criteria",
    "r_n_timed",
    "t_started",
    "t_submitted",
    "v_count",
    "v_member",
    "v_kind",
    "c_count",
    "c_member",
    "c_kind",
    "l_app",
    "l_member",
    "l_kind",
]
_VOTE_CODE = {k: i for i, k in enumerate(VOTE_KINDS)}
_RECUSAL_CODE = {k: i for i, k in enumerate(RECUSAL_KINDS)}
_RELATION_CODE = {k: i for i, k in enumerate(RELATION_KINDS)}
# A panel member's relation lists (contract 1.1) and the relation each records.
_RELATION_FIELDS = (
    ("supervises", _RELATION_CODE["supervisor"]),
    ("relatives", _RELATION_CODE["relative"]),
    ("declared_interests", _RELATION_CODE["declared_interest"]),
)
# An application's relation lists: relatives, and members the applicant supervises (a line
# relation either way is 直接上下级).
_APPLICATION_RELATION_FIELDS = (
    ("relative_member_ids", _RELATION_CODE["relative"]),
    ("subordinate_member_ids", _RELATION_CODE["supervisor"]),
)


def _bools(values: Sequence[bool]) -> BoolArray:
    return np.asarray(values, dtype=bool).reshape(len(values))


def _child_order(parent: IntArray, parent_position: IntArray) -> tuple[IntArray, IntArray]:
    """Rows of a child table kept and ordered by their parent's new position (stable within a
    parent), and each old row's new position (-1 when dropped)."""
    position = parent_position[parent]
    kept = np.flatnonzero(position >= 0)
    order = kept[np.argsort(position[kept], kind="stable")]
    new_position = np.full(len(parent), -1, dtype=np.int64)
    new_position[order] = np.arange(len(order))
    return order, new_position


def _remap(index: IntArray, new_position: IntArray) -> IntArray:
    """Old row indexes to new positions; -1 stays -1."""
    return np.where(index >= 0, new_position[np.maximum(index, 0)], -1)


def _canonical_order(ds: AuditDataset, superseded: set[str]) -> AuditDataset:
    """Drop superseded filings and order enterprises by credit code, sessions by (credit code,
    filing id) and child rows by their parent, so the result does not depend on input order."""
    n_s = ds.n_sessions
    keep = np.fromiter((f not in superseded for f in ds.session_filing_id), dtype=bool, count=n_s)
    sessions = np.flatnonzero(keep)
    codes = ds.enterprise_code[ds.session_enterprise[sessions]].astype(str)
    filing_ids = ds.session_filing_id[sessions].astype(str)
    s_order = sessions[np.lexsort((filing_ids, codes))]
    if len(s_order) == n_s and np.array_equal(s_order, np.arange(n_s)):
        enterprise_sorted = np.array_equal(
            np.argsort(ds.enterprise_code.astype(str), kind="stable"),
            np.arange(len(ds.enterprise_code)),
        )
        if enterprise_sorted:
            return _canonical_codes(ds)
    s_position = np.full(n_s, -1, dtype=np.int64)
    s_position[s_order] = np.arange(len(s_order))

    used = np.unique(ds.session_enterprise[s_order])
    e_order = used[np.argsort(ds.enterprise_code[used].astype(str), kind="stable")]
    e_position = np.full(len(ds.enterprise_code), -1, dtype=np.int64)
    e_position[e_order] = np.arange(len(e_order))

    m_order, m_position = _child_order(ds.member_session, s_position)
    a_order, a_position = _child_order(ds.app_session, s_position)
    r_order, _ = _child_order(ds.score_app, a_position)
    v_order, _ = _child_order(ds.vote_app, a_position)
    c_order, _ = _child_order(ds.recusal_app, a_position)
    l_order, _ = _child_order(ds.relation_app, a_position)

    def take(name: str, order: IntArray) -> Any:
        return getattr(ds, name)[order]

    fields: dict[str, Any] = {}
    for name in ds.__dataclass_fields__:
        if name.startswith("enterprise_"):
            fields[name] = take(name, e_order)
        elif name.startswith("session_"):
            fields[name] = take(name, s_order)
        elif name.startswith("member_"):
            fields[name] = take(name, m_order)
        elif name.startswith("app_") and name != "app_facts":
            fields[name] = take(name, a_order)
        elif name.startswith("score_"):
            fields[name] = take(name, r_order)
        elif name.startswith("vote_"):
            fields[name] = take(name, v_order)
        elif name.startswith("recusal_"):
            fields[name] = take(name, c_order)
        elif name.startswith("relation_"):
            fields[name] = take(name, l_order)
        else:
            fields[name] = getattr(ds, name)
    fields["app_facts"] = [ds.app_facts[i] for i in a_order]
    fields["session_enterprise"] = e_position[fields["session_enterprise"]]
    fields["member_session"] = s_position[fields["member_session"]]
    fields["member_supervisor"] = _remap(fields["member_supervisor"], m_position)
    fields["app_session"] = s_position[fields["app_session"]]
    fields["app_supervisor"] = _remap(fields["app_supervisor"], m_position)
    for prefix in ("score", "vote", "recusal", "relation"):
        fields[f"{prefix}_app"] = a_position[fields[f"{prefix}_app"]]
        fields[f"{prefix}_member"] = m_position[fields[f"{prefix}_member"]]
    return _canonical_codes(AuditDataset(**fields))


def _sorted_codes(values: ObjArray) -> tuple[ObjArray, IntArray]:
    """The vocabulary in sorted order and each old code's new code."""
    order = np.argsort(values.astype(str), kind="stable")
    new_code = np.empty(len(values), dtype=np.int64)
    new_code[order] = np.arange(len(values))
    return values[order], new_code


def _canonical_codes(ds: AuditDataset) -> AuditDataset:
    """Person and department codes in sorted order of their text, and standards in order of
    their content, so that codes, too, do not depend on the order documents came in."""
    persons, person_code = _sorted_codes(ds.person_keys)
    departments, department_code = _sorted_codes(ds.departments)
    texts = _objects([_canonical(s.model_dump(mode="json")) for s in ds.standards])
    _, standard_code = _sorted_codes(texts)
    standard_order = np.argsort(standard_code)
    return replace(
        ds,
        person_keys=persons,
        app_person=_remap(ds.app_person, person_code),
        member_person=_remap(ds.member_person, person_code),
        departments=departments,
        app_department=_remap(ds.app_department, department_code),
        member_department=_remap(ds.member_department, department_code),
        standards=[ds.standards[i] for i in standard_order],
        standard_weights=ds.standard_weights[standard_order],
        standard_maxima=ds.standard_maxima[standard_order],
        standard_pass_score=ds.standard_pass_score[standard_order],
        session_standard=standard_code[ds.session_standard],
    )
