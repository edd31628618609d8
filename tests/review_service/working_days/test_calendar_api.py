"""The regulator's calendar entries change notice periods at once, and are logged."""

from __future__ import annotations

from tests.review_service.reviews.flow import API, Flow, round_in


def test_a_regulator_holiday_lengthens_the_notice(flow: Flow) -> None:
    reg = flow.auth("regulator")
    r = flow.client.post(
        f"{API}/calendar/days",
        json={"day": "2026-06-03", "working": False, "name": "临时休假"},
        headers=reg,
    )
    assert r.status_code == 201, r.text
    again = flow.client.post(
        f"{API}/calendar/days",
        json={"day": "2026-06-03", "working": True, "name": "重复"},
        headers=reg,
    )
    assert again.status_code == 409
    by_hr = flow.client.post(
        f"{API}/calendar/days",
        json={"day": "2026-06-04", "working": False, "name": "企业自定"},
        headers=flow.auth("a_admin"),
    )
    assert by_hr.status_code == 403
    rnd = round_in(flow, "decided")
    flow.advance(rnd.session_id, "public_notice")
    notice = flow.client.get(
        f"{API}/review-sessions/{rnd.session_id}/notice", headers=flow.auth("a_admin")
    ).json()
    # Mon 6-1 … Fri 6-5 would be five working days; 6-3 is off, so it ends Mon 6-8.
    assert (notice["starts_on"], notice["ends_on"]) == ("2026-06-01", "2026-06-08")
    listed = flow.client.get(f"{API}/calendar/days", params={"year": 2026}, headers=reg).json()
    assert [d["day"] for d in listed["data"]] == ["2026-06-03"]
    assert listed["published_years"] == [2026]
    gone = flow.client.delete(f"{API}/calendar/days/{r.json()['id']}", headers=reg)
    assert gone.status_code == 204
    assert flow.events("calendar_day.add") == 1 and flow.events("calendar_day.remove") == 1
