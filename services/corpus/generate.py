"""Build one synthetic case in memory: its notes (canonical text, metadata) and their exact gold."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from extractors.base import canonical_text, note_identity
from services.corpus.banks import Banks, Recipe, load_banks
from services.corpus.cast import Cast, build_cast
from services.corpus.compose import Composer, NoteContext, NoteDraft
from services.corpus.story import NotePlan, Story, build_story, routine_plans


@dataclass
class CaseNote:
    """One generated note with its metadata and the gold annotations of its text."""

    id: str
    note_date: date | None
    time: str | None
    note_type: str
    recipe: str
    author: str
    author_role: str
    title: str
    text: str
    source_ids: list[str]
    draft: NoteDraft
    recorded_date: date | None = None

    @property
    def iso_date(self) -> str | None:
        if self.note_date is None:
            return None
        return self.note_date.isoformat() + (f"T{self.time}" if self.time else "")


@dataclass
class GeneratedCase:
    seed: int
    today: date
    cast: Cast
    story: Story
    notes: list[CaseNote]
    reexport: CaseNote | None = None
    reexport_of: CaseNote | None = None
    held_out: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def subject(self):
        return self.cast.people["child"]


def build_case(notes: int = 600, seed: int = 7, *, held_out: bool = False, typo_rate: float = 0.006) -> GeneratedCase:
    """The case for ``seed`` with ``notes`` current notes (distinct ids), deterministic for a seed.

    ``held_out`` cases may also use the phrasings set aside for evaluation (banks.HELD_OUT_SHARE);
    development cases (the default: demo, tests, benchmark) never do. ``typo_rate`` is the share of
    words given a typical typo (0 for a clean case, as the phrase-bank audit uses)."""
    if notes < 1:
        raise ValueError("a case needs at least one note")
    rng = random.Random(seed)
    banks = load_banks()
    start = date(2018 + rng.randrange(0, 3), rng.randrange(1, 13), rng.randrange(1, 28))
    end = start + timedelta(days=rng.randrange(1780, 1840))
    today = end + timedelta(days=rng.randrange(3, 20))
    cast = build_cast(rng, banks, start, end)
    story = build_story(rng, cast, start, end)
    composer = Composer(cast, rng, typo_rate=typo_rate, held_out=held_out)

    key_plans = list(story.plans)
    if notes < len(key_plans):
        key_plans = sorted(rng.sample(key_plans, notes), key=lambda p: p.day)
    routine = routine_plans(rng, story, max(0, notes - len(key_plans)) + 40)
    if notes >= 20:
        routine.insert(0, NotePlan(None, "case_summary", "sw1", {}, key=True))

    written: list[CaseNote] = []
    seen: set[str] = set()
    next_source = 100000 + rng.randrange(0, 50000)
    for plan in key_plans + routine:
        if len(written) >= notes:
            break
        for _ in range(6):
            note = _write_note(plan, story, cast, composer, banks, rng)
            if note is not None and note.id not in seen:
                break
        else:
            continue
        seen.add(note.id)
        next_source += rng.randrange(3, 40)
        note.source_ids.append(str(next_source))
        if plan.group:
            next_source += rng.randrange(1, 5)
            note.source_ids.append(str(next_source))
        written.append(note)
    if len(written) < notes:
        raise RuntimeError(f"could only write {len(written)} distinct notes for seed {seed}")
    written.sort(key=lambda n: (n.note_date or date.min, n.time or "", n.id))
    case = GeneratedCase(seed=seed, today=today, cast=cast, story=story, notes=written, held_out=held_out)
    _make_reexport(case, composer, rng)
    return case


def _context(plan: NotePlan, story: Story, who: str) -> NoteContext:
    refs = story.refs(plan.day)
    refs.update(plan.refs)
    return NoteContext(note_date=plan.day, refs=refs, flags=story.flags(plan.day), household=story.household(plan.day),
                       address=story.address(plan.day), who=who, allowed_gaps=story.gaps)


def _eligible(section: str, banks: Banks, composer: Composer, ctx: NoteContext) -> list:
    return [p for p in banks.phrases[section]
            if (composer.held_out or not p.held_out) and p.when <= ctx.flags and not (p.unless & ctx.flags)
            and (p.gap is None or p.gap in ctx.allowed_gaps)
            and banks.gap_items_named(p.template) <= ctx.allowed_gaps and composer.can_render(p.template, ctx)]


def compose_recipe(recipe: Recipe, ctx: NoteContext, banks: Banks, composer: Composer,
                   rng: random.Random) -> NoteDraft:
    """Write one note by following a recipe's steps, choosing among eligible phrases (those not
    used in the last few notes first, so neighbouring notes do not repeat each other)."""
    draft = NoteDraft()
    for step in recipe.steps:
        if rng.random() >= step.p:
            continue
        candidates = _eligible(step.section, banks, composer, ctx)
        if not candidates:
            continue
        count = min(len(candidates), rng.randint(*step.n))
        fresh = [p for p in candidates if p.template not in composer.recent]
        pool = fresh if len(fresh) >= count else candidates
        for phrase in rng.sample(pool, count):
            composer.recent.append(phrase.template)
            if draft.length:
                draft.append(step.join)
            begin, end = composer.render(phrase.template, ctx, draft)
            if phrase.gap is not None:
                draft.gap_evidence.append({"item": phrase.gap, "start": begin, "end": end})
            written = draft.text[begin:end]
            for item, cues in banks.gap_cues.items():
                for cue in cues:
                    draft.gap_evidence.extend({"item": item, "start": begin + m.start(), "end": begin + m.end()}
                                              for m in cue.finditer(written))
    return draft


def _write_note(plan: NotePlan, story: Story, cast: Cast, composer: Composer, banks: Banks,
                rng: random.Random) -> CaseNote | None:
    recipe = banks.recipes[plan.recipe]
    ctx = _context(plan, story, plan.who)
    draft = compose_recipe(recipe, ctx, banks, composer, rng)
    text = draft.text
    if not text.strip():
        return None
    if canonical_text(text) != text:
        raise ValueError(f"recipe {plan.recipe} wrote non-canonical text: {text!r}")
    author = cast.resolve(plan.author, plan.day) or cast.resolve("sw", plan.day) or cast.people["sw1"]
    iso_day = plan.day.isoformat() if plan.day else None
    recorded = None
    if plan.day is not None and rng.random() < 0.12:
        recorded = plan.day + timedelta(days=rng.randrange(1, 6))
    return CaseNote(id=note_identity(iso_day, text), note_date=plan.day, time=plan.time if plan.day else None,
                    note_type=recipe.label, recipe=plan.recipe, author=author.name, author_role=author.role or "",
                    title=_title(recipe.label, plan, cast), text=text, source_ids=[], draft=draft,
                    recorded_date=recorded)


def _title(label: str, plan: NotePlan, cast: Cast) -> str:
    child = cast.people["child"].name.split()[0]
    if plan.recipe in ("strategy", "icpc", "rcpc", "marac", "core_group", "strategy_missing", "cin_meeting"):
        return f"{label} - {cast.people['child'].name.split()[1]} family"
    return f"{label} - {child}" if plan.key else label


def _make_reexport(case: GeneratedCase, composer: Composer, rng: random.Random) -> None:
    """A later export in which one note was edited by its author (same source note id)."""
    candidates = [n for n in case.notes if n.note_date is not None and n.recipe in ("home_visit", "phone_call")
                  and len(n.source_ids) == 1]
    if not candidates:
        return
    original = rng.choice(candidates)
    addendum = rng.choice([
        "Addendum: note amended to correct the spelling of names and to add that the children were seen together.",
        "Amended: the visit was announced, not unannounced as first recorded.",
        "Correction added by author - mum was seen in the kitchen, not the living room as first recorded.",
    ])
    text = original.text + "\n" + addendum
    draft = NoteDraft(parts=[text], length=len(text), mentions=list(original.draft.mentions),
                      events=list(original.draft.events), risks=list(original.draft.risks),
                      strengths=list(original.draft.strengths), dates=list(original.draft.dates))
    edited = CaseNote(id=note_identity(original.note_date.isoformat(), text), note_date=original.note_date,
                      time=original.time, note_type=original.note_type, recipe=original.recipe, author=original.author,
                      author_role=original.author_role, title=original.title, text=text,
                      source_ids=list(original.source_ids), draft=draft,
                      recorded_date=original.note_date + timedelta(days=rng.randrange(20, 60)))
    case.reexport, case.reexport_of = edited, original
