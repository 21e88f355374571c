from datetime import date

from bot.text import FoundDate, dates_to_remember, describe, find_dates, future_dates, kind_name


def fd(value: str, end: str | None = None, kind: str = "rencontre") -> FoundDate:
    precision = "month" if len(value) == 7 else "day"
    return FoundDate(value, end, precision, value, "x", kind)  # type: ignore[arg-type]


def test_future_first_soonest_first_then_past_most_recent_first() -> None:
    dates = [
        fd("2024-01-10"),
        fd("2024-05-01"),
        fd("2024-03-20"),
        fd("2023-12-01"),
        fd("2024-03-01", "2024-03-31", "periode"),
        fd("2024-03"),
    ]
    ordered = dates_to_remember(dates, date(2024, 3, 15))
    assert [d.date for d in ordered] == [
        "2024-03-01",  # a period still under way
        "2024-03",  # the current month
        "2024-03-20",
        "2024-05-01",
        "2024-01-10",
        "2023-12-01",
    ]
    assert len(dates_to_remember(dates, date(2024, 3, 15), limit=2)) == 2


def test_the_day_itself_is_still_ahead() -> None:
    assert (
        dates_to_remember([fd("2024-03-15"), fd("2024-03-16")], date(2024, 3, 15))[0].date
        == "2024-03-15"
    )


def test_future_dates_keep_calendar_kinds_only() -> None:
    dates = [
        fd("2024-04-01", kind="autre"),
        fd("2024-04-02", kind="echeance"),
        fd("2024-01-01", kind="rencontre"),
    ]
    assert [d.date for d in future_dates(dates, date(2024, 3, 15))] == ["2024-04-02"]


def test_describe_in_french() -> None:
    found = find_dates(
        "le 14 septembre 2023, le 1er mai 2022, en mai 2018, du 18 au 24 octobre 2021, "
        "du 15 avril au 15 mai 2024 et du 30 novembre 2021 au 15 janvier 2022",
        date(2024, 1, 1),
    )
    assert [describe(f) for f in found] == [
        "14 septembre 2023",
        "1er mai 2022",
        "mai 2018",
        "du 18 au 24 octobre 2021",
        "du 15 avril au 15 mai 2024",
        "du 30 novembre 2021 au 15 janvier 2022",
    ]
    assert kind_name(found[3]) == "Période"
