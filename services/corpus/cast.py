"""The people of one synthetic case: a family, the professionals around it and the agencies.

Each person knows every way a worker refers to them ("Mum", "Sarah", "Ms Jones", "S.J."), when
they are part of the story (a baby from birth, a social worker for their allocation), and their
contacts. Slot names (``mother``, ``hv``, ``@school``) are what the phrase banks use.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from services.corpus.banks import Banks


@dataclass
class Person:
    slot: str
    name: str
    kind: str  # family, professional, agency, other
    relationship: str  # DESIGN vocabulary, relative to the subject child
    forms: list[str]
    role: str | None = None
    side: str | None = None
    household: bool = False
    organisation: str | None = None
    phone: str | None = None
    email: str | None = None
    sex: str | None = None
    dob: date | None = None
    present_from: date | None = None
    present_to: date | None = None
    contacts_written: dict[str, list[str]] = field(default_factory=lambda: {"phones": [], "emails": []})

    @property
    def id(self) -> str:
        return f"p_{self.slot}"

    def available(self, on: date | None) -> bool:
        if on is None:
            return self.present_from is None and self.present_to is None
        if self.present_from is not None and on < self.present_from:
            return False
        return not (self.present_to is not None and on > self.present_to)


@dataclass
class Cast:
    people: dict[str, Person]
    town: dict
    subject_slot: str = "child"

    def resolve(self, slot: str, on: date | None) -> Person | None:
        """The person a slot names on a date; ``sw`` and ``pc`` name whoever holds the role then."""
        if slot in ("sw", "pc"):
            holders = [p for key, p in self.people.items() if key.startswith(slot) and key != slot
                       and key[len(slot):].isdigit() and p.available(on)]
            return holders[0] if holders else None
        person = self.people.get(slot)
        if person is None or not person.available(on):
            return None
        return person


def _initials(first: str, surname: str) -> str:
    return f"{first[0]}.{surname[0]}."


def _phone(rng: random.Random, mobile: bool) -> str:
    if mobile:
        return f"07700 900{rng.randrange(0, 1000):03d}"
    return f"01632 960{rng.randrange(0, 1000):03d}"


def build_cast(rng: random.Random, banks: Banks, start: date, end: date) -> Cast:
    """Pick a family and the professionals for a case running from ``start`` to ``end``."""
    names = banks.names
    town = rng.choice(banks.places["towns"])
    surnames = rng.sample(names["surnames"], 6)
    mum_surname, dad_surname, partner_surname, ex_surname, _, _ = surnames
    used: set[str] = set()

    def pick(pool: str) -> str:
        choice = rng.choice([n for n in names[pool] if n not in used])
        used.add(choice)
        return choice

    nick = names["nicknames"]
    people: dict[str, Person] = {}

    def family(slot, first, surname, relationship, forms, sex, **kw) -> None:
        full = f"{first} {surname}"
        people[slot] = Person(slot=slot, name=full, kind="family", relationship=relationship,
                              forms=forms, sex=sex, **kw)

    child_sex = rng.choice(["f", "m"])
    child_first = pick("child_female" if child_sex == "f" else "child_male")
    child_dob = start - timedelta(days=rng.randrange(6 * 365, 8 * 365))
    child_forms = [child_first, child_first, child_first, f"{child_first} {dad_surname}", _initials(child_first, dad_surname)]
    if child_first in nick:
        child_forms.append(nick[child_first])
    family("child", child_first, dad_surname, "subject", child_forms, child_sex, household=True, dob=child_dob)

    sib_old_sex = rng.choice(["f", "m"])
    sib_old_first = pick("child_female" if sib_old_sex == "f" else "child_male")
    sib_old_dob = child_dob - timedelta(days=rng.randrange(4 * 365, 6 * 365))
    family("sib_old", sib_old_first, ex_surname, "half_sibling",
           [sib_old_first, sib_old_first, f"{sib_old_first} {ex_surname}", _initials(sib_old_first, ex_surname)],
           sib_old_sex, household=False, dob=sib_old_dob)

    sib_young_sex = rng.choice(["f", "m"])
    sib_young_first = pick("child_female" if sib_young_sex == "f" else "child_male")
    family("sib_young", sib_young_first, dad_surname, "sibling",
           [sib_young_first, sib_young_first, f"{sib_young_first} {dad_surname}"], sib_young_sex, household=True,
           dob=child_dob + timedelta(days=rng.randrange(2 * 365, 3 * 365)))

    mum_first = pick("adult_female")
    mum_forms = ["Mum", "mum", "Mum", mum_first, mum_first, f"Ms {mum_surname}", f"{mum_first} {mum_surname}",
                 "mother", _initials(mum_first, mum_surname)]
    if mum_first in nick:
        mum_forms.append(nick[mum_first])
    family("mother", mum_first, mum_surname, "mother", mum_forms, "f", household=True)

    dad_first = pick("adult_male")
    family("father", dad_first, dad_surname, "father",
           ["Dad", "dad", dad_first, f"Mr {dad_surname}", f"{dad_first} {dad_surname}", "father",
            f"{child_first}'s father", f"{child_first}'s dad"], "m")

    partner_first = pick("adult_male")
    family("partner", partner_first, partner_surname, "parent_partner",
           [partner_first, partner_first, f"Mr {partner_surname}", f"{partner_first} {partner_surname}",
            "mum's partner", _initials(partner_first, partner_surname)], "m", household=True)

    ex_first = pick("adult_male")
    family("ex", ex_first, ex_surname, "ex_partner_of_parent",
           [ex_first, f"{ex_first} {ex_surname}", f"Mr {ex_surname}", "mum's ex-partner", f"{sib_old_first}'s father"], "m")

    baby_sex = rng.choice(["f", "m"])
    baby_first = pick("child_female" if baby_sex == "f" else "child_male")
    family("baby", baby_first, partner_surname, "half_sibling",
           [baby_first, baby_first, "baby " + baby_first, f"{baby_first} {partner_surname}"], baby_sex, household=True)

    mgm_first = pick("older_female")
    family("mgm", mgm_first, mum_surname, "grandmother",
           ["maternal grandmother", "MGM", "Nan", mgm_first, f"Mrs {mum_surname}", f"{mgm_first} {mum_surname}",
            "maternal gran"], "f", side="maternal")
    mgf_first = pick("older_male")
    family("mgf", mgf_first, mum_surname, "grandfather",
           ["maternal grandfather", "MGF", "mum's father", mgf_first, f"{mgf_first} {mum_surname}"], "m", side="maternal")
    pgm_first = pick("older_female")
    family("pgm", pgm_first, dad_surname, "grandmother",
           ["paternal grandmother", "PGM", pgm_first, f"Mrs {dad_surname}", "paternal nan"], "f", side="paternal")
    aunt_first = pick("adult_female")
    family("aunt", aunt_first, mum_surname, "aunt",
           ["maternal aunt", aunt_first, f"Aunt {aunt_first}", f"{aunt_first} {mum_surname}", "mum's sister"], "f",
           side="maternal")
    uncle_first = pick("adult_male")
    family("uncle", uncle_first, dad_surname, "uncle",
           ["paternal uncle", uncle_first, f"Uncle {uncle_first}", f"{uncle_first} {dad_surname}", "dad's brother"], "m",
           side="paternal")

    council = town["council"]
    domain = town["domain"]
    prof_used: set[tuple[str, str]] = set()

    def professional(slot, role, organisation, forms_for, frm=None, to=None, email_domain=None, title=None) -> None:
        female = rng.random() < 0.7  # most of the social care and health workforce
        while True:
            first = rng.choice(names["professional_female" if female else "professional_male"])
            surname = rng.choice(names["professional_surname"])
            if (first, surname) not in prof_used and surname not in (mum_surname, dad_surname):
                break
        prof_used.add((first, surname))
        full = f"{first} {surname}"
        honorific = title or (rng.choice(["Ms", "Mrs", "Miss", "Ms"]) if female else "Mr")
        forms = forms_for(first, surname, full, honorific)
        domain_for_email = email_domain or domain
        people[slot] = Person(slot=slot, name=full, kind="professional", relationship="professional", role=role,
                              organisation=organisation, forms=forms, phone=_phone(rng, rng.random() < 0.5),
                              email=f"{first.lower()}.{surname.lower()}@{domain_for_email}",
                              present_from=frm, present_to=to)

    span = (end - start).days
    cut1 = start + timedelta(days=int(span * rng.uniform(0.25, 0.32)))
    cut2 = start + timedelta(days=int(span * rng.uniform(0.6, 0.68)))
    for index, (frm, to) in enumerate([(None, cut1), (cut1 + timedelta(days=1), cut2), (cut2 + timedelta(days=1), None)], 1):
        professional(f"sw{index}", "Social Worker", council,
                     lambda f, s, full, h: [full, full, f, f"{h} {s}", "SW", "SW", "allocated SW"],
                     frm=frm or start - timedelta(days=400), to=to)
    professional("tm", "Team Manager", council, lambda f, s, full, h: [full, f, "TM", f"TM {full}", "team manager"])
    professional("iro", "Independent Reviewing Officer", council,
                 lambda f, s, full, h: [full, f"IRO {full}", "the IRO", "Chair", f"{h} {s}"])
    professional("fsw", "Family Support Worker", council, lambda f, s, full, h: [full, f, "FSW", f"FSW {f}"])
    professional("mash", "MASH Social Worker", council, lambda f, s, full, h: [full, f"MASH SW {full}"])
    nhs = "nhs.example"
    professional("hv", "Health Visitor", "Health Visiting Service",
                 lambda f, s, full, h: [full, f"HV {f}", "HV", "health visitor", f"{f} (HV)", f"{h} {s}"],
                 email_domain=nhs)
    professional("midwife", "Midwife", town["hospital"], lambda f, s, full, h: [full, "midwife", f"midwife {f}", f], email_domain=nhs)
    gp_surgery = rng.choice(town["surgery"])
    professional("gp", "GP", gp_surgery, lambda f, s, full, h: [f"Dr {s}", f"Dr {full}", "GP", f"the GP, Dr {s}"],
                 email_domain=nhs, title="Dr")
    school = rng.choice(town["primary"])
    school_domain = school.split()[0].lower().replace("'", "") + ".sch.example"
    professional("dsl", "Designated Safeguarding Lead", school,
                 lambda f, s, full, h: [full, "DSL", f"DSL {full}", f"{h} {s}", f"{f} (DSL)"], email_domain=school_domain)
    professional("senco", "SENCO", school, lambda f, s, full, h: [full, "SENCO", f"{h} {s}", f"SENCO {f}"],
                 email_domain=school_domain)
    professional("teacher", "Class Teacher", school, lambda f, s, full, h: [f"{h} {s}", "class teacher", full],
                 email_domain=school_domain)
    force = town["police"]
    collars = rng.sample(range(1200, 9800), 3)
    for index, collar in enumerate(collars[:2], 1):
        professional(f"pc{index}", "Police Officer", force,
                     lambda f, s, full, h, c=collar: [f"PC {s} {c}", f"PC {c} {s}", f"PC {s}", f"PC {full}", f"PC {c}"],
                     email_domain=town["force_domain"])
    professional("dc", "Detective Constable", force, lambda f, s, full, h: [f"DC {s}", f"DC {full}", f"DC {s} {collars[2]}"],
                 email_domain=town["force_domain"])
    professional("idva", "IDVA", town["da_service"], lambda f, s, full, h: [full, "IDVA", f"IDVA {f}", f, f"{f} (IDVA)"])
    professional("camhs", "CAMHS Practitioner", f"{town['town']} CAMHS",
                 lambda f, s, full, h: [full, f"CAMHS worker {f}", f"{h} {s}"], email_domain=nhs)
    professional("yot", "YOT Worker", f"{town['town']} Youth Offending Team",
                 lambda f, s, full, h: [full, "YOT worker", f"YOT worker {f}", f])
    professional("housing", "Housing Officer", town["housing"],
                 lambda f, s, full, h: [full, "housing officer", f"{h} {s}", f"{f} from housing"])

    def agency(slot, name, forms) -> None:
        people[slot] = Person(slot=slot, name=name, kind="agency", relationship="unknown", forms=forms, organisation=name)

    school_short = school.replace(" School", "")
    agency("@school", school, [school, school_short, school_short])
    secondary = rng.choice(town["secondary"])
    agency("@secondary", secondary, [secondary, secondary.replace(" School", "")])
    agency("@surgery", gp_surgery, [gp_surgery, gp_surgery])
    hospital = town["hospital"]
    agency("@hospital", hospital, [hospital, hospital.replace(" Hospital", "")])
    agency("@police", force, [force])
    agency("@camhs", f"{town['town']} CAMHS", [f"{town['town']} CAMHS", "CAMHS"])
    agency("@housing", town["housing"], [town["housing"]])
    agency("@da_service", town["da_service"], [town["da_service"]])
    agency("@yot", f"{town['town']} Youth Offending Team", [f"{town['town']} YOT", f"{town['town']} Youth Offending Team"])
    agency("@mash", f"{council} MASH", [f"{council} MASH", "MASH"])
    return Cast(people=people, town=town)
