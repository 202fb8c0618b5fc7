"""The family's storyline over five years and the plan of notes recorded about it.

The storyline is a timeline of episodes (referral, a new partner moving in, a domestic abuse
incident and the child protection process after it, a baby's birth, an older sibling going missing
and moving to his or her grandmother, a house move, steps down...). Each episode yields the notes a
local authority file would hold about it; routine recording fills the rest of the file.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from services.corpus.cast import Cast
from services.corpus.dates import DateRef, add_months, weekday_on_or_after, weekday_on_or_before


@dataclass
class NotePlan:
    day: date | None
    recipe: str
    author: str  # cast slot of the author
    refs: dict[str, DateRef] = field(default_factory=dict)
    who: str = "mother"
    key: bool = False  # part of the storyline: kept when a small case is asked for
    group: bool = False  # recorded on two children's files: appears twice in every export
    time: str | None = None


@dataclass
class Story:
    start: date
    end: date
    episodes: dict[str, DateRef]
    history: dict[str, DateRef]
    gaps: set[str]
    addresses: list[tuple[date, str]]
    plans: list[NotePlan] = field(default_factory=list)

    def on(self, name: str) -> date:
        return self.episodes[name].day

    def flags(self, day: date | None) -> set[str]:
        if day is None:
            return {"undated"}
        e = self.on
        flags: set[str] = set()
        between = [
            ("pre_partner", self.start, e("partner_in")), ("partner_home", e("partner_in"), e("partner_out")),
            ("partner_out", e("partner_out"), self.end), ("pregnant", e("pregnancy"), e("birth")),
            ("baby", e("birth"), self.end), ("cin", e("cin_start"), e("cp_start")),
            ("cp", e("cp_start"), e("cp_end")), ("cin", e("cp_end"), e("closure")),
            ("after_da", e("da1"), self.end), ("da_work", e("da1") + timedelta(days=45), e("freedom_done")),
            ("freedom_done", e("freedom_done"), self.end), ("sib_old_home", self.start, e("placement")),
            ("teen_issues", e("missing1"), e("placement")), ("sib_placed", e("placement"), self.end),
            ("moved", e("move"), self.end), ("camhs", e("camhs_referral"), self.end),
            ("assessing", e("referral"), e("cin_start")), ("closing", e("closure") - timedelta(days=120), self.end),
        ]
        for flag, frm, to in between:
            if frm <= day < to:
                flags.add(flag)
        if "cp" not in flags and "cin" not in flags:
            flags.add("no_plan")
        return flags

    def household(self, day: date | None) -> set[str]:
        members = {"child", "sib_young", "mother"}
        if day is None:
            return members
        if self.on("partner_in") <= day < self.on("partner_out"):
            members.add("partner")
        if day >= self.on("birth"):
            members.add("baby")
        if day < self.on("placement"):
            members.add("sib_old")
        return members

    def address(self, day: date | None) -> str:
        current = self.addresses[0][1]
        for frm, addr in self.addresses:
            if day is not None and day >= frm:
                current = addr
        return current

    def refs(self, day: date | None) -> dict[str, DateRef]:
        """Storyline dates a note written on ``day`` can refer to: everything already past, plus
        the family's older history."""
        refs = dict(self.history)
        if day is None:
            return refs
        for name, ref in self.episodes.items():
            if ref.day < day:
                refs[name] = ref
        return refs


def _day(start: date, months: float, rng: random.Random, jitter: int = 10) -> date:
    base = add_months(start, int(months)) + timedelta(days=int((months % 1) * 30) + rng.randrange(0, jitter + 1))
    return weekday_on_or_after(base)


def build_story(rng: random.Random, cast: Cast, start: date, end: date) -> Story:
    """Lay out the episodes; which gap-checklist items the file will answer is decided here too."""
    s = start
    ep: dict[str, date] = {}
    ep["referral"] = weekday_on_or_after(s)
    ep["assessment_start"] = weekday_on_or_after(ep["referral"] + timedelta(days=2))
    ep["assessment_done"] = weekday_on_or_after(ep["referral"] + timedelta(days=rng.randrange(35, 44)))
    ep["cin_start"] = weekday_on_or_after(ep["assessment_done"] + timedelta(days=rng.randrange(5, 12)))
    ep["partner_in"] = _day(s, rng.uniform(5, 7), rng)
    ep["pregnancy"] = _day(s, rng.uniform(9, 10), rng)
    ep["da1"] = _day(s, rng.uniform(13, 14), rng)
    ep["strat1"] = weekday_on_or_after(ep["da1"] + timedelta(days=rng.randrange(1, 3)))
    ep["s47_done"] = weekday_on_or_after(ep["strat1"] + timedelta(days=rng.randrange(10, 15)))
    ep["marac"] = weekday_on_or_after(ep["da1"] + timedelta(days=rng.randrange(15, 25)))
    ep["icpc"] = weekday_on_or_after(ep["strat1"] + timedelta(days=rng.randrange(12, 15)))
    ep["cp_start"] = ep["icpc"]
    ep["court1"] = weekday_on_or_after(ep["da1"] + timedelta(days=rng.randrange(20, 40)))
    ep["birth"] = _day(s, 17.5, rng)
    ep["rcpc1"] = weekday_on_or_after(ep["icpc"] + timedelta(days=rng.randrange(84, 92)))
    ep["hospital1"] = _day(s, rng.uniform(19, 21), rng)
    ep["rcpc2"] = weekday_on_or_after(ep["rcpc1"] + timedelta(days=rng.randrange(175, 185)))
    ep["cp_end"] = ep["rcpc2"]
    ep["partner_out"] = _day(s, rng.uniform(22, 23), rng)
    ep["missing1"] = _day(s, rng.uniform(25, 26), rng)
    ep["missing2"] = weekday_on_or_after(ep["missing1"] + timedelta(days=rng.randrange(12, 30)))
    ep["exclusion"] = weekday_on_or_after(ep["missing2"] + timedelta(days=rng.randrange(10, 25)))
    ep["placement"] = _day(s, rng.uniform(30, 31), rng)
    ep["freedom_done"] = _day(s, rng.uniform(19, 21), rng)
    ep["move"] = _day(s, rng.uniform(33, 35), rng)
    ep["camhs_referral"] = _day(s, rng.uniform(37, 39), rng)
    ep["court2"] = _day(s, rng.uniform(41, 43), rng)
    ep["attendance_up"] = _day(s, rng.uniform(46, 48), rng)
    ep["closure"] = min(_day(s, rng.uniform(56, 57), rng), end - timedelta(days=3))
    episodes = {name: DateRef(day) for name, day in ep.items()}

    history = {
        "hist_da": DateRef(date(s.year - rng.randrange(5, 8), 6, 1), "year", True),
        "mgf_death": DateRef(date(s.year - rng.randrange(2, 6), 1, 1), "year"),
        "prev_la": DateRef(date(s.year - rng.randrange(3, 5), rng.randrange(1, 13), 1), "month"),
        "mum_mh": DateRef(date(s.year - rng.randrange(6, 10), 1, 1), "year", True),
    }
    droppable = ["idva", "safety_plan", "perpetrator_address", "ethnicity_language", "gp", "marac_status"]
    dropped = set(rng.sample(droppable, rng.randrange(1, 3)))
    all_items = {"marac_status", "idva", "safety_plan", "perpetrator_address", "school_attendance", "gp",
                 "health_visitor", "child_views", "ethnicity_language", "other_children"}
    town = cast.town
    streets = rng.sample(town["streets"], 2)
    addresses = [(s - timedelta(days=3000), f"{rng.randrange(2, 90)} {streets[0]}, {town['town']}"),
                 (ep["move"], f"Flat {rng.randrange(1, 12)}, {rng.randrange(2, 60)} {streets[1]}, {town['town']}")]
    story = Story(start=s, end=end, episodes=episodes, history=history, gaps=all_items - dropped, addresses=addresses)
    cast.people["partner"].present_from = ep["partner_in"] - timedelta(days=40)
    cast.people["baby"].present_from = ep["birth"]
    cast.people["baby"].dob = ep["birth"]
    cast.people["midwife"].present_from = ep["pregnancy"]
    cast.people["midwife"].present_to = ep["birth"] + timedelta(days=20)
    cast.people["yot"].present_from = ep["exclusion"]
    cast.people["camhs"].present_from = ep["camhs_referral"]
    cast.people["idva"].present_from = ep["da1"]
    cast.people["dc"].present_from = ep["da1"]
    cast.people["pc2"].present_from = ep["da1"] + timedelta(days=200)
    cast.people["pc1"].present_to = ep["da1"] + timedelta(days=199)
    cast.people["housing"].present_from = ep["placement"]
    story.plans = _storyline_plans(rng, story)
    for worker in ("sw1", "sw2"):
        handover = cast.people[worker].present_to
        story.plans.append(NotePlan(handover, "transfer_summary", worker, {}, key=True, time="16:30"))
    return story


def _school_day(day: date, rng: random.Random) -> DateRef:
    """A recent weekday (two days to a fortnight back): when a child was absent from school, seen
    at the surgery or an email was sent."""
    return DateRef(weekday_on_or_before(day - timedelta(days=rng.choice([2, 3, 4, 5, 6, 14]))))


def _ahead(day: date, low: int, high: int, rng: random.Random) -> DateRef:
    return DateRef(weekday_on_or_after(day + timedelta(days=rng.randrange(low, high))))


def _storyline_plans(rng: random.Random, story: Story) -> list[NotePlan]:
    """The notes each episode leaves in the file (the storyline's own notes, all ``key``)."""
    e = story.on
    plans: list[NotePlan] = []

    def add(day: date, recipe: str, author: str = "sw", *, after: int = 0, group: bool = False, who: str = "mother",
            **refs: DateRef) -> None:
        day = weekday_on_or_after(day + timedelta(days=after)) if after else day
        plan_refs = {"next": _ahead(day, 7, 21, rng), "next_meeting": _ahead(day, 28, 42, rng),
                     "review": _ahead(day, 84, 95, rng),
                     "recent": DateRef(day - timedelta(days=rng.choice([1, 2, 3, 4, 5, 6, 14]))),
                     "school_day": _school_day(day, rng)}
        plan_refs.update(refs)
        plans.append(NotePlan(day, recipe, author, plan_refs, who=who, key=True, group=group))

    add(e("referral"), "referral", "mash")
    add(e("referral"), "school_referral_call", "mash")
    add(e("assessment_start"), "assessment_start")
    add(e("assessment_start"), "home_visit", after=3)
    add(e("assessment_start"), "school_contact", after=8)
    add(e("assessment_done"), "assessment_done")
    add(e("cin_start"), "cin_meeting", group=True)
    add(e("partner_in"), "household_change", after=rng.randrange(3, 15))
    add(e("pregnancy"), "pregnancy", after=rng.randrange(0, 10))
    add(e("pregnancy"), "midwife_info", after=rng.randrange(20, 40))
    da1 = story.episodes["da1"]
    add(e("da1"), "police_notification", "mash", after=1, incident=da1)
    add(e("da1"), "phone_after_incident", after=1, incident=da1)
    add(e("strat1"), "strategy", group=True, incident=da1)
    add(e("strat1"), "s47_visit", after=1, incident=da1)
    add(e("strat1"), "school_contact", after=3)
    add(e("s47_done"), "s47_outcome", incident=da1, next=story.episodes["icpc"])
    add(e("marac"), "marac", group=True, incident=da1)
    add(e("marac"), "idva_contact", after=rng.randrange(2, 6), incident=da1)
    add(e("icpc"), "icpc", "iro", group=True, incident=da1, review=story.episodes["rcpc1"])
    add(e("court1"), "court", incident=da1)
    for month in range(1, 6):
        cg = weekday_on_or_after(e("icpc") + timedelta(days=month * 30 + rng.randrange(-4, 5)))
        if cg < e("rcpc2"):
            add(cg, "core_group", group=month == 1)
    add(e("birth"), "birth", after=rng.randrange(1, 4))
    add(e("birth"), "hv_contact", "sw", after=rng.randrange(12, 20))
    add(e("rcpc1"), "rcpc", "iro", review=story.episodes["rcpc2"])
    add(e("hospital1"), "hospital", after=1, hospital1=story.episodes["hospital1"])
    add(e("hospital1"), "home_visit", after=2)
    add(e("rcpc2"), "rcpc_stepdown", "iro")
    add(e("partner_out"), "partner_leaves", after=rng.randrange(1, 5))
    add(e("missing1"), "missing", "mash", who="sib_old", missing=story.episodes["missing1"])
    add(e("missing1"), "return_home_interview", after=3, who="sib_old", missing=story.episodes["missing1"])
    add(e("missing2"), "missing", "mash", who="sib_old", missing=story.episodes["missing2"])
    add(e("missing2"), "strategy_missing", after=1, who="sib_old", missing=story.episodes["missing2"])
    add(e("exclusion"), "exclusion", who="sib_old")
    add(e("exclusion"), "yot", after=rng.randrange(10, 20), who="sib_old")
    add(e("placement"), "placement", who="sib_old")
    add(e("freedom_done"), "freedom")
    add(e("move"), "house_move", after=rng.randrange(1, 5))
    add(e("camhs_referral"), "camhs", who="child")
    add(e("court2"), "court_private", who="father")
    add(e("attendance_up"), "school_positive", who="child")
    add(e("closure"), "closure")
    for plan in plans:
        plan.time = f"{rng.randrange(9, 17):02d}:{rng.choice(['00', '15', '30', '45', '05', '20', '40', '50'])}"
    return plans


ROUTINE_RECIPES: list[tuple[str, str, float]] = [
    ("home_visit", "sw", 18), ("home_visit_long", "sw", 4), ("home_visit_short", "sw", 6), ("phone_call", "sw", 6),
    ("professional_call", "sw", 5), ("no_answer", "sw", 9),
    ("supervision", "tm", 5), ("school_contact", "sw", 7), ("email_in", "sw", 5), ("text_message", "sw", 5),
    ("fsw_session", "fsw", 6), ("admin", "sw", 6), ("hv_contact", "sw", 3), ("gp_info", "sw", 2),
    ("visit_no_access", "sw", 3), ("child_session", "sw", 4), ("father_contact", "sw", 3), ("mgm_contact", "sw", 3),
]


def routine_plans(rng: random.Random, story: Story, count: int) -> list[NotePlan]:
    """``count`` routine notes spread over the file, denser while a plan is active."""
    span = (story.end - story.start).days
    names = [r[0] for r in ROUTINE_RECIPES]
    weights = [r[2] for r in ROUTINE_RECIPES]
    authors = {r[0]: r[1] for r in ROUTINE_RECIPES}
    plans = []
    while len(plans) < count:
        day = weekday_on_or_after(story.start + timedelta(days=rng.randrange(0, span)))
        if day > story.end:
            continue
        flags = story.flags(day)
        if "no_plan" in flags and rng.random() < 0.55:
            continue
        recipe = rng.choices(names, weights)[0]
        time = None if rng.random() < 0.15 else f"{rng.randrange(8, 19):02d}:{rng.randrange(0, 60):02d}"
        refs = {"next": _ahead(day, 7, 21, rng), "next_meeting": _ahead(day, 28, 42, rng),
                "review": _ahead(day, 84, 95, rng),
                "recent": DateRef(day - timedelta(days=rng.choice([1, 1, 2, 3, 4, 5, 6, 14]))),
                "school_day": _school_day(day, rng)}
        plans.append(NotePlan(day, recipe, authors[recipe], refs, who=rng.choice(["mother"] * 4 + ["child"]), time=time))
    return plans
