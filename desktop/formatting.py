"""How facts are written for a social worker to read: labels, UK dates, ages.

Qt-free so it can be tested without a display. The stored values stay the contracted
vocabularies (``police_attendance``, ``domestic_abuse``); only what is shown changes here.
"""
from __future__ import annotations

from datetime import date

EVENT_TYPE_LABELS: dict[str, str] = {
    "referral": "Referral",
    "contact": "Contact",
    "assessment": "Assessment",
    "strategy_discussion": "Strategy discussion",
    "s47_enquiry": "Section 47 enquiry",
    "child_protection_conference": "Child protection conference",
    "core_group": "Core group",
    "plan_start": "Plan started",
    "plan_end": "Plan ended",
    "home_visit": "Home visit",
    "police_attendance": "Police attendance",
    "arrest": "Arrest",
    "domestic_abuse_incident": "Domestic abuse incident",
    "other_incident": "Incident",
    "injury": "Injury",
    "hospital_attendance": "Hospital / A&E",
    "health_appointment": "Health appointment",
    "missing_episode": "Missing episode",
    "disclosure": "Disclosure",
    "school_exclusion": "School exclusion",
    "school_non_attendance": "School non-attendance",
    "marac": "MARAC",
    "court_hearing": "Court hearing",
    "placement_move": "Placement move",
    "change_of_address": "Change of address",
    "household_change": "Household change",
    "positive_event": "Positive event",
    "other": "Other",
}

RISK_LABELS: dict[str, str] = {
    "alcohol_misuse": "Alcohol misuse",
    "drug_misuse": "Drug misuse",
    "domestic_abuse": "Domestic abuse",
    "mental_health": "Mental health",
    "learning_disability": "Learning disability",
    "physical_disability_illness": "Physical disability or illness",
    "young_carer": "Young carer",
    "privately_fostered": "Privately fostered",
    "uasc": "Unaccompanied asylum-seeking child",
    "missing": "Missing",
    "cse": "Child sexual exploitation",
    "trafficking": "Trafficking",
    "gangs": "Gangs",
    "socially_unacceptable_behaviour": "Socially unacceptable behaviour",
    "self_harm": "Self-harm",
    "neglect": "Neglect",
    "emotional_abuse": "Emotional abuse",
    "physical_abuse": "Physical abuse",
    "sexual_abuse": "Sexual abuse",
    "fgm": "Female genital mutilation",
    "faith_belief_abuse": "Abuse linked to faith or belief",
    "cce": "Child criminal exploitation",
    "housing": "Housing",
    "finances": "Finances",
    "education": "Education",
    "adult_offending": "Adult offending",
    "weapons": "Weapons",
    "was_not_brought": "Was not brought",
    "home_conditions": "Home conditions",
}

STRENGTH_LABELS: dict[str, str] = {
    "family_support": "Support from family",
    "engagement_with_services": "Engagement with services",
    "school_attendance": "School attendance",
    "parenting_capacity": "Parenting capacity",
    "child_wellbeing": "Child's wellbeing",
    "stable_housing": "Stable housing",
    "employment": "Employment",
    "recovery": "Recovery",
    "safety_plan": "Safety plan",
    "community_support": "Community support",
    "other": "Other strength",
}

STATUS_LABELS: dict[str, str] = {
    "current": "Current",
    "negated": "Ruled out",
    "historical": "Historical",
    "hypothetical": "If / planned",
    "uncertain": "Uncertain",
}

SIGNIFICANCE_LABELS: dict[int, str] = {0: "Routine", 1: "Minor", 2: "Significant", 3: "Critical"}

RELATIONSHIP_LABELS: dict[str, str] = {
    "parent_partner": "Parent's partner",
    "half_sibling": "Half-sibling",
    "other_relative": "Other relative",
    "foster_carer": "Foster carer",
    "ex_partner_of_parent": "Parent's ex-partner",
}

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def label(value: str | None, table: dict[str, str] | None = None) -> str:
    """A stored vocabulary value as words: from ``table`` when listed, else de-underscored."""
    if not value:
        return ""
    if table and value in table:
        return table[value]
    return value.replace("_", " ").capitalize()


def event_type_label(value: str | None) -> str:
    return label(value, EVENT_TYPE_LABELS)


def risk_label(value: str | None) -> str:
    return label(value, RISK_LABELS)


def strength_label(value: str | None) -> str:
    return label(value, STRENGTH_LABELS)


def relationship_label(value: str | None) -> str:
    return label(value, RELATIONSHIP_LABELS)


def parse_iso(value: str | None) -> date | None:
    """The first day an ISO value of any precision can mean ("2023" -> 1 Jan 2023)."""
    if not value:
        return None
    text = value[:10]
    try:
        parts = [int(p) for p in text.split("-")]
        if len(parts) == 1:
            return date(parts[0], 1, 1)
        if len(parts) == 2:
            return date(parts[0], parts[1], 1)
        return date(parts[0], parts[1], parts[2])
    except ValueError:
        return None


def uk_date(value: str | None, precision: str | None = None, approximate: bool = False) -> str:
    """ISO date -> "12 Mar 2023", "Mar 2023" or "2023" by its precision; "c." when approximate."""
    if not value:
        return "Undated"
    text = value[:10]
    parts = text.split("-")
    try:
        if precision == "year" or len(parts) == 1:
            shown = parts[0]
        elif precision == "month" or len(parts) == 2:
            shown = f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}"
        else:
            shown = f"{int(parts[2])} {_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    except (ValueError, IndexError):
        return value
    return f"c. {shown}" if approximate else shown


def age_at(dob: str | None, when: str | None) -> str:
    """The child's age on a date, as social workers write it: "unborn", "4m", "3y 2m"."""
    born = parse_iso(dob)
    then = parse_iso(when)
    if born is None or then is None:
        return ""
    if then < born:
        return "unborn"
    months = (then.year - born.year) * 12 + (then.month - born.month)
    if then.day < born.day:
        months -= 1
    years, rest = divmod(max(months, 0), 12)
    if years == 0:
        return f"{rest}m"
    return f"{years}y {rest}m" if rest else f"{years}y"


def age_now(dob: str | None, today: date | None = None) -> str:
    return age_at(dob, (today or date.today()).isoformat())


def parse_user_date(text: str) -> tuple[str, str] | None:
    """A date as a worker types it -> ``(iso, precision)``: "12/03/2023" or "2023-03-12"
    (day), "03/2023" or "Mar 2023" (month), "2023" (year). UK day-first. None if not a date."""
    value = text.strip().lower().removeprefix("c.").strip()
    months = {name.lower(): number for number, name in enumerate(_MONTHS, start=1)}
    parts = value.replace("-", "/").replace(" ", "/").replace(".", "/").split("/")
    parts = [p for p in parts if p]
    try:
        if len(parts) == 1 and len(parts[0]) == 4:
            year = int(parts[0])
            date(year, 1, 1)
            return f"{year:04d}", "year"
        if len(parts) == 2:
            first, year_text = parts
            month = months.get(first[:3]) if not first.isdigit() else int(first)
            year = int(year_text)
            if month is None:
                return None
            date(year, month, 1)
            return f"{year:04d}-{month:02d}", "month"
        if len(parts) == 3:
            if len(parts[0]) == 4:
                year, month, day = int(parts[0]), int(parts[1]), int(parts[2])
            else:
                day = int(parts[0])
                month = months.get(parts[1][:3]) if not parts[1].isdigit() else int(parts[1])
                year = int(parts[2])
                if month is None:
                    return None
                if year < 100:
                    year += 2000 if year <= date.today().year % 100 else 1900
            return date(year, month, day).isoformat(), "day"
    except ValueError:
        return None
    return None
