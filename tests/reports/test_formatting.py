from reports.formatting import age_at, display_date, display_note_date


def test_dates_read_as_in_a_chronology():
    assert display_date("2023-03-12") == "12 Mar 2023"
    assert display_date("2023-03", "month") == "Mar 2023"
    assert display_date("2019", "year", approximate=True) == "c. 2019"
    assert display_date("2023-03-02", "day", approximate=True) == "c. 2 Mar 2023"
    assert display_date(None) == "Undated"


def test_note_date_keeps_the_time():
    assert display_note_date("2023-03-12T14:30") == "12 Mar 2023 14:30"
    assert display_note_date(None) == "Undated note"


def test_age_of_child_on_the_event_date():
    dob = "2015-03-12"
    assert age_at(dob, "2015-01-01") == "unborn"
    assert age_at(dob, "2015-03-20") == "1w"
    assert age_at(dob, "2015-08-12") == "5m"
    assert age_at(dob, "2021-05-11") == "6y 1m"
    assert age_at(dob, "2021-05", "month") == "6y 2m"
    assert age_at(dob, "2021", "year") == "c. 6y"
    assert age_at(dob, "2014", "year") == "unborn"
    assert age_at(None, "2021-05-11") == ""
