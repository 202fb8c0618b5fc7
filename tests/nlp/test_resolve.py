"""nlp.resolve: people, the subject child, attribution and repeated events across a case."""
from __future__ import annotations

from typing import Any

from nlp.extract import NoteInput, extract_notes
from nlp.ids import fact_id
from nlp.resolve import CaseFacts, find_duplicate_events, parse_name, resolve_case


class CaseBuilder:
    """Hand-written notes with mention rows placed on the words they quote."""

    def __init__(self) -> None:
        self.facts = CaseFacts(notes=[], mentions=[])

    def note(self, note_id: str, day: str | None, text: str) -> "CaseBuilder":
        self.facts.notes.append({"id": note_id, "note_date": day, "text": text})
        return self

    def mention(self, note_id: str, words: str, nth: int = 0, **fields: Any) -> str:
        text = next(n["text"] for n in self.facts.notes if n["id"] == note_id)
        start = -1
        for _ in range(nth + 1):
            start = text.index(words, start + 1)
        row = {"id": fact_id(note_id, "mention", start, start + len(words)), "note_id": note_id,
               "start": start, "end": start + len(words), "text": words, "person_id": None,
               "kind": "other", "role": None, "relationship": "unknown", "side": None, "name": None,
               "child": False, "group": False, "age": None, "dob": None, "phones": [], "emails": [],
               "household": None}
        row.update(fields)
        self.facts.mentions.append(row)
        return row["id"]


def person_of(result, mention_id: str) -> dict[str, Any] | None:
    pid = result.updates["mentions"][mention_id]["person_id"]
    return next((p for p in result.people if p["id"] == pid), None)


def mother(name: str | None = None, **fields: Any) -> dict[str, Any]:
    return {"kind": "family", "role": "mother", "relationship": "mother", "name": name, **fields}


def test_name_parts():
    assert parse_name("Ms Jones").last == "jones" and parse_name("Ms Jones").title == "ms"
    assert parse_name("Sarah Jones").full == "sarah jones"
    assert parse_name("S.J.").initials == "sj"
    assert parse_name("PC 1234 Smith").collar == "1234"
    assert parse_name(None) is None


def test_every_way_of_naming_mum_is_one_person():
    case = CaseBuilder()
    case.note("n1", "2023-01-05", "Mum (Sarah Jones) was seen with Tyler (7).")
    case.note("n2", "2023-02-01", "Ms Jones said Sarah had signed. S.J. agreed. Mum was calm.")
    ids = [case.mention("n1", "Mum", **mother("Sarah Jones")),
           case.mention("n1", "Sarah Jones", **mother("Sarah Jones")),
           case.mention("n2", "Ms Jones", name="Ms Jones"),
           case.mention("n2", "Sarah", name="Sarah"),
           case.mention("n2", "S.J.", name="S.J."),
           case.mention("n2", "Mum", **mother())]
    case.mention("n1", "Tyler", name="Tyler", child=True, age=7)
    result = resolve_case(case.facts)
    people = {person_of(result, i)["id"] for i in ids}
    assert len(people) == 1
    sarah = person_of(result, ids[0])
    assert sarah["name"] == "Sarah Jones" and sarah["relationship"] == "mother" and sarah["kind"] == "family"
    assert set(sarah["aliases"]) >= {"Ms Jones", "Sarah", "S.J.", "Mum"}
    assert (sarah["first_seen"], sarah["last_seen"]) == ("2023-01-05", "2023-02-01")
    assert sarah["household"] is True


def test_birth_mother_and_foster_mum_stay_apart():
    case = CaseBuilder()
    case.note("n1", "2023-01-05", "Mum (Sarah Jones) attended contact. Foster carer Linda Green brought Tyler.")
    case.note("n2", "2023-02-01", "Tyler told his foster mum he misses Mum.")
    birth = case.mention("n1", "Mum", **mother("Sarah Jones"))
    case.mention("n1", "Sarah Jones", **mother("Sarah Jones"))
    carer = {"kind": "family", "role": "foster carer", "relationship": "foster_carer"}
    foster = case.mention("n1", "Linda Green", name="Linda Green", **carer)
    foster_mum = case.mention("n2", "foster mum", **carer)
    mum_later = case.mention("n2", "Mum", **mother())
    result = resolve_case(case.facts)
    assert person_of(result, birth)["id"] == person_of(result, mum_later)["id"]
    assert person_of(result, foster)["id"] == person_of(result, foster_mum)["id"]
    assert person_of(result, foster)["relationship"] == "foster_carer"
    assert person_of(result, foster)["id"] != person_of(result, birth)["id"]


def test_nicknames_and_spelling_variants_join_the_full_name():
    case = CaseBuilder()
    case.note("n1", "2023-01-05", "Maternal grandmother Patricia Brown visited.")
    case.note("n2", "2023-01-09", "Nan (Pat) collected the children. Patrica Brown rang.")
    full = case.mention("n1", "Patricia Brown", name="Patricia Brown", kind="family", role="maternal grandmother",
                        relationship="grandmother", side="maternal")
    nan = case.mention("n2", "Nan", name="Pat", kind="family", role="grandmother", relationship="grandmother")
    typo = case.mention("n2", "Patrica Brown", name="Patrica Brown")
    result = resolve_case(case.facts)
    pat = person_of(result, full)
    assert person_of(result, nan)["id"] == pat["id"] == person_of(result, typo)["id"]
    assert pat["side"] == "maternal" and pat["relationship"] == "grandmother"


def test_role_only_mentions_link_to_the_named_holder_or_stand_alone():
    case = CaseBuilder()
    case.note("n1", "2023-01-05", "Dad was not present. The health visitor called.")
    case.note("n2", "2023-01-09", "HV Amy Brown visited. Dad moved out last month.")
    dad1 = case.mention("n1", "Dad", kind="family", role="father", relationship="father")
    dad2 = case.mention("n2", "Dad", kind="family", role="father", relationship="father", household=False)
    hv = case.mention("n1", "health visitor", kind="professional", role="health visitor", relationship="professional")
    amy = case.mention("n2", "Amy Brown", name="Amy Brown", kind="professional", role="health visitor",
                       relationship="professional")
    result = resolve_case(case.facts)
    assert person_of(result, dad1)["id"] == person_of(result, dad2)["id"]
    assert person_of(result, dad1)["name"] == "Dad" and person_of(result, dad1)["household"] is False
    assert person_of(result, hv)["id"] == person_of(result, amy)["id"]
    assert person_of(result, amy)["kind"] == "professional"


def test_professional_contacts_and_organisation():
    case = CaseBuilder()
    case.note("n1", "2023-01-05", "Amy Brown, health visitor at Oakfield Medical Centre, 07700 900123.")
    amy = case.mention("n1", "Amy Brown", name="Amy Brown", kind="professional", role="health visitor",
                       relationship="professional", phones=["07700 900123"])
    case.mention("n1", "Oakfield Medical Centre", name="Oakfield Medical Centre", kind="agency", role="GP surgery",
                 relationship="professional")
    result = resolve_case(case.facts)
    person = person_of(result, amy)
    assert person["organisation"] == "Oakfield Medical Centre"
    assert person["contacts"] == {"phones": ["07700 900123"], "emails": []}
    assert any(p["kind"] == "agency" and p["name"] == "Oakfield Medical Centre" for p in result.people)


def test_subject_child_from_date_of_birth_and_siblings():
    case = CaseBuilder()
    case.note("n1", "2023-01-05", "Tyler Jones DOB 12/03/2015. His sister Mia (2) was asleep. Tyler was happy.")
    tyler = case.mention("n1", "Tyler Jones", name="Tyler Jones", dob="2015-03-12")
    case.mention("n1", "Tyler", 1, name="Tyler")
    mia = case.mention("n1", "Mia", name="Mia", age=2, child=True)
    kids = case.mention("n1", "sister", kind="family", role="sibling", relationship="sibling", name="Mia")
    result = resolve_case(case.facts)
    assert result.subjects == [{"person_id": person_of(result, tyler)["id"], "name": "Tyler Jones",
                                "dob": "2015-03-12"}]
    assert person_of(result, mia)["relationship"] == "sibling"
    assert person_of(result, kids)["id"] == person_of(result, mia)["id"]


def test_given_subjects_are_used():
    case = CaseBuilder()
    case.note("n1", "2023-01-05", "Kai was seen with Jade (9).")
    kai = case.mention("n1", "Kai", name="Kai")
    case.mention("n1", "Jade", name="Jade", age=9, child=True)
    case.facts.subjects = [{"person_id": "p-kai", "name": "Kai Smith", "dob": "2019-01-01"}]
    result = resolve_case(case.facts)
    assert result.subjects == [{"person_id": "p-kai", "name": "Kai Smith", "dob": "2019-01-01"}]
    assert result.updates["mentions"][kai]["person_id"] == "p-kai"


def test_risks_are_attributed_to_the_person_they_concern():
    case = CaseBuilder()
    case.note("n1", "2023-01-05", "Tyler (7) was upset. Dad was drunk. Poor school attendance noted.")
    case.mention("n1", "Tyler", name="Tyler", child=True, age=7)
    dad = case.mention("n1", "Dad", kind="family", role="father", relationship="father")
    text = case.facts.notes[0]["text"]
    drunk = {"id": "r1", "note_id": "n1", "start": text.index("drunk"), "end": text.index("drunk") + 5}
    school = {"id": "r2", "note_id": "n1", "start": text.index("Poor"), "end": text.index("Poor") + 23}
    named = {"id": "r3", "note_id": "n1", "start": 0, "end": 5, "person_mention": dad}
    case.facts.risks = [drunk, school, named]
    result = resolve_case(case.facts)
    dad_id = result.updates["mentions"][dad]["person_id"]
    assert result.updates["risks"]["r1"]["person_id"] == dad_id
    assert result.updates["risks"]["r2"]["person_id"] == result.subjects[0]["person_id"]
    assert result.updates["risks"]["r3"]["person_id"] == dad_id


def test_the_same_event_in_two_notes_is_kept_once():
    day = {"n1": "2023-03-13", "n2": "2023-03-20", "n3": "2023-03-14"}
    events = [
        {"id": "late", "note_id": "n2", "start": 0, "type": "police_attendance", "date": "2023-03-12",
         "summary": "Police attended the family home on 12/03/2023 after a domestic incident."},
        {"id": "first", "note_id": "n1", "start": 0, "type": "police_attendance", "date": "2023-03-12",
         "summary": "Police attended on 12/03/2023 after a domestic incident."},
        {"id": "other-type", "note_id": "n3", "start": 0, "type": "arrest", "date": "2023-03-12",
         "summary": "Police attended on 12/03/2023 after a domestic incident."},
        {"id": "other-day", "note_id": "n3", "start": 40, "type": "police_attendance", "date": "2023-03-01",
         "summary": "Police attended after a domestic incident."},
    ]
    assert find_duplicate_events(events, day) == {"late": "first"}


def test_resolution_links_event_people_and_summarises_gaps(nlp):
    notes = [NoteInput("n1", "Home visit to Sarah Jones (mum) and Tyler (7). Sarah's partner Dan was present.",
                       "2023-03-01")]
    facts = list(extract_notes(nlp, notes))
    rows = CaseFacts(notes=[{"id": "n1", "note_date": "2023-03-01", "text": notes[0].text}],
                     mentions=facts[0].mentions, events=facts[0].events,
                     gap_evidence=facts[0].gap_evidence)
    result = resolve_case(rows)
    by_name = {p["name"]: p for p in result.people}
    assert by_name["Dan"]["relationship"] == "parent_partner"
    assert by_name["Sarah Jones"]["relationship"] == "mother"
    assert result.subjects[0]["name"] == "Tyler"
    for event in facts[0].events:
        assert set(result.updates["events"][event["id"]]["people"]) <= {p["id"] for p in result.people}
    again = resolve_case(rows)
    assert again == result  # deterministic: the same case gives the same ids


def test_mum_is_the_named_adult_who_keeps_her_company():
    case = CaseBuilder()
    case.note("n1", "2023-01-05", "Session with Joanne Nowak. Mum engaged well.")
    case.note("n2", "2023-01-12", "Joanne was tearful. Mum said money is tight.")
    case.note("n3", "2023-01-19", "Mum rang. Kerry Nowak visited.")
    joanne = case.mention("n1", "Joanne Nowak", name="Joanne Nowak")
    case.mention("n2", "Joanne", name="Joanne")
    mums = [case.mention(n, "Mum", **mother()) for n in ("n1", "n2", "n3")]
    kerry = case.mention("n3", "Kerry Nowak", name="Kerry Nowak")
    result = resolve_case(case.facts)
    assert {person_of(result, m)["id"] for m in mums} == {person_of(result, joanne)["id"]}
    assert person_of(result, joanne)["relationship"] == "mother"
    assert person_of(result, kerry)["relationship"] == "unknown"


def test_groups_of_professionals_are_not_people_and_mr_is_not_the_child():
    case = CaseBuilder()
    case.note("n1", "2023-01-05", "Officers attended. Skye Shaw (9) was upset. Dad (Steven Shaw) left. Mr Shaw returned.")
    case.mention("n1", "Officers", kind="professional", role="police officers", relationship="professional",
                 group=True)
    skye = case.mention("n1", "Skye Shaw", name="Skye Shaw", age=9, child=True)
    dad = case.mention("n1", "Steven Shaw", name="Steven Shaw", kind="family", role="father", relationship="father")
    mr = case.mention("n1", "Mr Shaw", name="Mr Shaw")
    result = resolve_case(case.facts)
    assert person_of(result, mr)["id"] == person_of(result, dad)["id"] != person_of(result, skye)["id"]
    assert not any(p["role"] == "police officers" for p in result.people)


def test_the_police_is_the_one_named_force_and_the_midwife_the_name_beside_her():
    case = CaseBuilder()
    case.note("n1", "2023-01-05", "Northam Police attended. The police will share the log.")
    case.note("n2", "2023-01-09", "Call from the midwife. Helen Patel said baby is well.")
    force = case.mention("n1", "Northam Police", name="Northam Police", kind="agency", role="police",
                         relationship="professional")
    police = case.mention("n1", "police", kind="agency", role="police", relationship="professional")
    midwife = case.mention("n2", "midwife", kind="professional", role="midwife", relationship="professional")
    helen = case.mention("n2", "Helen Patel", name="Helen Patel")
    result = resolve_case(case.facts)
    assert person_of(result, police)["id"] == person_of(result, force)["id"]
    assert person_of(result, force)["name"] == "Northam Police"
    assert person_of(result, midwife)["id"] == person_of(result, helen)["id"]
    assert person_of(result, helen)["kind"] == "professional" and person_of(result, helen)["role"] == "midwife"


def test_sw_is_the_social_worker_of_the_time_from_the_note_authors():
    case = CaseBuilder()
    for number in range(6):
        case.note(f"a{number}", f"2022-0{number + 1}-10", "Home visit. SW saw the children.")
        case.note(f"b{number}", f"2023-0{number + 1}-10", "Home visit. SW saw the children.")
    case.note("fsw", "2023-02-20", "Family support session. Advised mum to call SW.")
    for note in case.facts.notes:
        note["author"] = {"a": "Joy Adeyemi", "b": "Kate Bailey"}.get(note["id"][0], "Jane Rahman")
    early = case.mention("a2", "SW", kind="professional", role="social worker", relationship="professional")
    late = case.mention("b4", "SW", kind="professional", role="social worker", relationship="professional")
    told = case.mention("fsw", "SW", kind="professional", role="social worker", relationship="professional")
    result = resolve_case(case.facts)
    assert person_of(result, early)["name"] == "Joy Adeyemi"
    assert person_of(result, late)["name"] == "Kate Bailey" == person_of(result, told)["name"]
    assert person_of(result, late)["kind"] == "professional"


def test_a_role_written_with_the_author_and_in_their_notes_is_theirs():
    case = CaseBuilder()
    case.note("n1", "2023-01-10", "FSW visit - routines work with mum.")
    case.note("n2", "2023-01-17", "Core group. The family support worker reported progress.")
    case.note("n3", "2023-01-20", "Visit. Told mum the FSW will call.")
    case.facts.notes[0]["author"] = "Megan Green (Family Support Worker)"
    case.facts.notes[1]["author"] = "Ruth Howard"
    case.facts.notes[2]["author"] = "Ruth Howard"
    roles = [case.mention("n1", "FSW", kind="professional", role="family support worker", relationship="professional"),
             case.mention("n2", "family support worker", kind="professional", role="family support worker",
                          relationship="professional"),
             case.mention("n3", "FSW", kind="professional", role="family support worker", relationship="professional")]
    result = resolve_case(case.facts)
    assert {person_of(result, m)["name"] for m in roles} == {"Megan Green"}


def test_nan_is_the_grandmother_around_the_family_and_shares_mums_surname():
    case = CaseBuilder()
    case.note("n1", "2023-01-05", "Mum (Joanne Nowak) was in. Dad (Steven Shaw) was not.")
    case.note("n2", "2023-01-09", "MGM visits most days. Paternal grandmother Linda Shaw lives away.")
    case.note("n3", "2023-01-12", "Margaret Nowak said she is worried. Margaret said she will help.")
    case.note("n4", "2023-01-20", "Skye went to the park with Nan. The maternal grandmother is a support.")
    case.mention("n1", "Mum", **mother("Joanne Nowak"))
    case.mention("n1", "Joanne Nowak", **mother("Joanne Nowak"))
    case.mention("n1", "Dad", kind="family", role="father", relationship="father", name="Steven Shaw")
    case.mention("n1", "Steven Shaw", kind="family", role="father", relationship="father", name="Steven Shaw")
    maternal = {"kind": "family", "role": "maternal grandmother", "relationship": "grandmother", "side": "maternal"}
    mgm = [case.mention("n2", "MGM", **maternal), case.mention("n4", "maternal grandmother", **maternal)]
    linda = case.mention("n2", "Linda Shaw", kind="family", role="paternal grandmother", relationship="grandmother",
                         side="paternal", name="Linda Shaw")
    margaret = case.mention("n3", "Margaret Nowak", name="Margaret Nowak")
    case.mention("n3", "Margaret", nth=1, name="Margaret")
    nan = case.mention("n4", "Nan", kind="family", role="grandmother", relationship="grandmother")
    result = resolve_case(case.facts)
    person = person_of(result, margaret)
    assert {person_of(result, m)["id"] for m in [*mgm, nan]} == {person["id"]}
    assert person["relationship"] == "grandmother" and person["side"] == "maternal"
    assert person_of(result, linda)["id"] != person["id"]


def test_a_man_never_takes_a_grandmother_role_and_a_half_siblings_surname_marks_the_ex_partner():
    case = CaseBuilder()
    case.note("n1", "2023-01-05", "Mum (Joanne Nowak) spoke. Lily Iqbal (12) is Skye's half-sister.")
    case.note("n2", "2023-01-09", "Nathan Iqbal said he wants contact. Nathan said he is angry. MGM was there.")
    case.note("n3", "2023-01-12", "Mum's ex-partner has been texting her.")
    case.mention("n1", "Mum", **mother("Joanne Nowak"))
    case.mention("n1", "Joanne Nowak", **mother("Joanne Nowak"))
    case.mention("n1", "Lily Iqbal", name="Lily Iqbal", kind="family", relationship="half_sibling", age=12,
                 child=True)
    nathan = case.mention("n2", "Nathan Iqbal", name="Nathan Iqbal")
    case.mention("n2", "Nathan", nth=1, name="Nathan")
    mgm = case.mention("n2", "MGM", kind="family", role="maternal grandmother", relationship="grandmother",
                       side="maternal")
    ex = case.mention("n3", "ex-partner", kind="family", role="ex-partner", relationship="ex_partner_of_parent")
    result = resolve_case(case.facts)
    assert person_of(result, mgm)["id"] != person_of(result, nathan)["id"]
    assert person_of(result, ex)["id"] == person_of(result, nathan)["id"]
    assert person_of(result, nathan)["relationship"] == "ex_partner_of_parent"


def test_a_professional_role_never_goes_to_a_name_the_family_carries():
    case = CaseBuilder()
    case.note("n1", "2023-01-05", "Skye Shaw (9) and Freya Shaw were home. Skye said her teacher is kind.")
    case.mention("n1", "Skye Shaw", name="Skye Shaw", age=9, child=True)
    freya = case.mention("n1", "Freya Shaw", name="Freya Shaw")
    teacher = case.mention("n1", "teacher", kind="professional", role="teacher", relationship="professional")
    result = resolve_case(case.facts)
    assert (person_of(result, teacher) or {}).get("id") != person_of(result, freya)["id"]
    assert person_of(result, freya)["kind"] != "professional"


def test_whose_relative_a_kinship_word_is():
    case = CaseBuilder()
    case.note("n1", "2023-01-05", "Dad (Steven Shaw) visits. Skye Shaw (9) said her father is kind.")
    case.note("n2", "2023-01-09", "Mum said her father was an alcoholic. Lily's father is Nathan Iqbal.")
    case.note("n3", "2023-01-12", "Mum said Paul Marsh is staying at his mum's house.")
    case.mention("n1", "Dad", kind="family", role="father", relationship="father", name="Steven Shaw")
    dad = case.mention("n1", "Steven Shaw", kind="family", role="father", relationship="father", name="Steven Shaw")
    case.mention("n1", "Skye Shaw", name="Skye Shaw", age=9, child=True)
    skyes = case.mention("n1", "father", kind="family", role="father", relationship="father")
    case.mention("n2", "Mum", **mother())
    grandad = case.mention("n2", "father", kind="family", role="father", relationship="father")
    case.mention("n2", "Lily", name="Lily")
    lilys = case.mention("n2", "father", nth=1, kind="family", role="father", relationship="father")
    case.mention("n3", "Mum", **mother())
    case.mention("n3", "Paul Marsh", name="Paul Marsh")
    his_mum = case.mention("n3", "mum", kind="family", role="mother", relationship="mother")
    result = resolve_case(case.facts)
    assert person_of(result, skyes)["id"] == person_of(result, dad)["id"]
    grandfather = person_of(result, grandad)
    assert (grandfather["relationship"], grandfather["side"]) == ("grandfather", "maternal")
    assert person_of(result, lilys) is None and person_of(result, his_mum) is None


def test_an_author_who_writes_to_sw_is_not_the_social_worker():
    case = CaseBuilder()
    for number in range(6):
        case.note(f"s{number}", f"2023-0{number + 1}-10", "Home visit. SW saw the children.")
        case.note(f"f{number}", f"2023-0{number + 1}-12", "Support session. Informed SW. Advised to see GP.")
    for note in case.facts.notes:
        note["author"] = "Joy Adeyemi" if note["id"].startswith("s") else "Kate Richardson"
    told = case.mention("f3", "SW", kind="professional", role="social worker", relationship="professional")
    gp = case.mention("f3", "GP", kind="professional", role="GP", relationship="professional")
    result = resolve_case(case.facts)
    assert person_of(result, told)["name"] == "Joy Adeyemi"
    assert (person_of(result, gp) or {}).get("name") != "Kate Richardson"


def test_a_sibling_with_another_surname_is_a_half_sibling_and_chris_is_not_christine():
    case = CaseBuilder()
    case.note("n1", "2023-01-05", "Lily Parker (8), Ruby Campbell (1) and Aaliyah Parker (4). Dad (Daniel Parker).")
    case.note("n2", "2023-01-09", "Christine Kowalski visited. SENCO Chris Fisher called. Chris said all is well.")
    case.mention("n1", "Lily Parker", name="Lily Parker", age=8, child=True)
    ruby = case.mention("n1", "Ruby Campbell", name="Ruby Campbell", age=1, child=True)
    aaliyah = case.mention("n1", "Aaliyah Parker", name="Aaliyah Parker", age=4, child=True)
    case.mention("n1", "Daniel Parker", name="Daniel Parker", kind="family", role="father", relationship="father")
    christine = case.mention("n2", "Christine Kowalski", name="Christine Kowalski")
    professional = {"kind": "professional", "role": "SENCO", "relationship": "professional"}
    case.mention("n2", "Chris Fisher", name="Chris Fisher", **professional)
    chris = case.mention("n2", "Chris", nth=2, name="Chris")
    result = resolve_case(case.facts)
    assert person_of(result, ruby)["relationship"] == "half_sibling"
    assert person_of(result, aaliyah)["relationship"] == "sibling"
    assert person_of(result, chris)["name"] == "Chris Fisher"
    assert person_of(result, christine)["kind"] != "professional"


def test_dr_smith_is_the_doctor_and_the_gp_joins_her_while_miss_smith_is_the_teacher():
    case = CaseBuilder()
    case.note("n1", "2023-01-05", "Letter from Dr Fatima Smith. Call from Hannah Smith at school.")
    case.note("n2", "2023-01-09", "Spoke with the GP, Dr Smith. Miss Smith said Skye is tired. Mum will ring the GP.")
    doctor = {"kind": "professional", "role": "doctor", "relationship": "professional"}
    fatima = case.mention("n1", "Dr Fatima Smith", name="Dr Fatima Smith", **doctor)
    hannah = case.mention("n1", "Hannah Smith", name="Hannah Smith", kind="professional", relationship="professional")
    gp = {"kind": "professional", "role": "GP", "relationship": "professional"}
    case.mention("n2", "GP", name="Dr Smith", **gp)
    dr_smith = case.mention("n2", "Dr Smith", name="Dr Smith", **gp)
    miss = case.mention("n2", "Miss Smith", name="Miss Smith")
    ring = case.mention("n2", "GP", nth=1, **gp)
    result = resolve_case(case.facts)
    assert person_of(result, dr_smith)["id"] == person_of(result, fatima)["id"] == person_of(result, ring)["id"]
    assert person_of(result, miss)["id"] == person_of(result, hannah)["id"]


def test_the_gp_is_the_one_named_doctor_and_the_school_nurse_someone_else():
    case = CaseBuilder()
    case.note("n1", "2023-01-05", "Letter received from Dr Harriet Howard at Beech Road Surgery.")
    case.note("n2", "2023-01-09", "Mum will ring the GP. Skye was seen by the school nurse.")
    case.note("n3", "2023-01-19", "GP letter: Skye has asthma.")
    doctor = case.mention("n1", "Dr Harriet Howard", name="Dr Harriet Howard", kind="professional", role="doctor",
                          relationship="professional")
    gp = {"kind": "professional", "role": "GP", "relationship": "professional"}
    gps = [case.mention("n2", "GP", **gp), case.mention("n3", "GP", **gp)]
    nurse = case.mention("n2", "school nurse", kind="professional", role="school nurse", relationship="professional")
    result = resolve_case(case.facts)
    assert {person_of(result, m)["id"] for m in gps} == {person_of(result, doctor)["id"]}
    assert person_of(result, nurse)["id"] != person_of(result, doctor)["id"]


def test_a_health_visitor_known_by_first_name_is_not_the_police_officer_of_that_name():
    case = CaseBuilder()
    case.note("n1", "2023-01-05", "Attendees: PC Megan Robinson. Megan (HV) attended.")
    police = case.mention("n1", "PC Megan Robinson", name="PC Megan Robinson")
    hv = case.mention("n1", "Megan", nth=1, name="Megan", kind="professional", role="health visitor",
                      relationship="professional")
    result = resolve_case(case.facts)
    assert person_of(result, hv)["id"] != person_of(result, police)["id"]


def test_a_chair_who_writes_about_the_gp_is_not_the_gp():
    case = CaseBuilder()
    for number in range(4):
        case.note(f"c{number}", f"2023-0{number + 1}-10", "Present: Peter Kaur (Chair). Health: the GP has no concerns.")
    case.note("d1", "2023-06-01", "Letter received from Dr Claire Palmer at Cedar Road Surgery.")
    for note in case.facts.notes:
        note["author"] = "Peter Kaur"
    gp = {"kind": "professional", "role": "GP", "relationship": "professional"}
    gps = [case.mention(f"c{number}", "GP", **gp) for number in range(4)]
    for number in range(4):
        case.mention(f"c{number}", "Peter Kaur", name="Peter Kaur")
    doctor = case.mention("d1", "Dr Claire Palmer", name="Dr Claire Palmer", kind="professional", role="doctor",
                          relationship="professional")
    result = resolve_case(case.facts)
    assert {person_of(result, m)["id"] for m in gps} == {person_of(result, doctor)["id"]}


def test_a_name_listed_with_the_child_in_several_notes_is_a_sibling():
    case = CaseBuilder()
    case.note("n1", "2023-01-05", "Skye Shaw (9) and Freya were home.")
    case.note("n2", "2023-01-09", "Present: Mum, Skye and Freya.")
    case.note("n3", "2023-01-12", "Skye said Freya is annoying. Ms Shaw called.")
    case.mention("n1", "Skye Shaw", name="Skye Shaw", age=9, child=True)
    freya = case.mention("n1", "Freya", name="Freya")
    case.mention("n2", "Skye", name="Skye")
    case.mention("n2", "Freya", name="Freya")
    case.mention("n3", "Skye", name="Skye")
    ms = case.mention("n3", "Ms Shaw", name="Ms Shaw")
    result = resolve_case(case.facts)
    assert person_of(result, freya)["relationship"] == "sibling"
    assert person_of(result, ms)["relationship"] != "sibling"


def test_every_way_a_name_matched_still_matches_among_many_people():
    """Candidates are looked up by name rather than compared with everyone: nicknames, first-name
    prefixes, spelling slips, surnames, titles, initials and collar numbers still find the person
    when many other people are already known."""
    case = CaseBuilder()
    others = " ".join(f"Person{chr(65 + i)} Family{chr(65 + i)}x was seen." for i in range(20))
    case.note("n0", "2023-01-02", others)
    for i in range(20):
        words = f"Person{chr(65 + i)} Family{chr(65 + i)}x"
        case.mention("n0", words, name=words, kind="family")
    case.note("n1", "2023-01-05", "William Whitfield (uncle) visited. PC 4721 Daniel Okafor attended.")
    case.note("n2", "2023-02-01", "Bill said Will had stayed. Mr Whitfiield rang. Whitfield agreed. W.W. signed. "
                                  "Willia called. PC 4721 came back. Okafor said. Dan Okafor phoned.")
    uncle = {"kind": "family", "relationship": "uncle", "role": "uncle"}
    officer = {"kind": "professional", "role": "police officer"}
    william = case.mention("n1", "William Whitfield", name="William Whitfield", **uncle)
    daniel = case.mention("n1", "PC 4721 Daniel Okafor", name="PC 4721 Daniel Okafor", **officer)
    same_as_william = [case.mention("n2", "Bill", name="Bill"), case.mention("n2", "Will", name="Will"),
                       case.mention("n2", "Mr Whitfiield", name="Mr Whitfiield"),
                       case.mention("n2", "Whitfield", name="Whitfield"),
                       case.mention("n2", "W.W.", name="W.W."), case.mention("n2", "Willia", name="Willia")]
    same_as_daniel = [case.mention("n2", "PC 4721", name="PC 4721", **officer),
                      case.mention("n2", "Okafor", name="Okafor"),
                      case.mention("n2", "Dan Okafor", name="Dan Okafor")]
    result = resolve_case(case.facts)
    assert {person_of(result, m)["id"] for m in same_as_william} == {person_of(result, william)["id"]}
    assert {person_of(result, m)["id"] for m in same_as_daniel} == {person_of(result, daniel)["id"]}
    assert person_of(result, william)["id"] != person_of(result, daniel)["id"]


def test_resolution_reports_its_progress_to_the_end():
    case = CaseBuilder()
    case.note("n1", "2023-01-05", "Mum (Sarah Jones) was seen.")
    case.mention("n1", "Sarah Jones", **mother("Sarah Jones"))
    steps: list[tuple[int, int]] = []
    quiet = resolve_case(case.facts)
    reported = resolve_case(case.facts, progress=lambda done, total: steps.append((done, total)))
    assert reported == quiet
    assert [done for done, _ in steps] == sorted(done for done, _ in steps)
    assert steps[-1][0] == steps[-1][1] and len(steps) == steps[-1][1]
