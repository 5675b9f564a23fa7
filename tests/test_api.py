"""The JSON endpoints the offline client will rely on."""

from logger import rules
from tests.factories import make_school, make_user


def test_session_gives_user_schools_and_a_csrf_token(app, client, auth):
    with app.app_context():
        make_user("ofc.ruiz", schools=[make_school("LHS", "Lincoln High School")])
    auth.login("ofc.ruiz")
    body = client.get("/api/v1/session").get_json()
    assert body["user"]["username"] == "ofc.ruiz" and body["user"]["role"] == "officer"
    assert [s["code"] for s in body["schools"]] == ["LHS"]
    assert len(body["csrf_token"]) > 20


def test_schema_is_the_rules_module_description(app, client, auth):
    with app.app_context():
        make_user("ofc.ruiz", schools=[make_school()])
    auth.login("ofc.ruiz")
    assert client.get("/api/v1/schema").get_json() == rules.describe()


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/nothing")
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"


def test_an_id_too_large_for_any_row_is_404_not_a_server_error(app, client, auth):
    with app.app_context():
        make_user("ofc.ruiz", schools=[make_school()])
    auth.login("ofc.ruiz")
    token = client.get("/api/v1/session").get_json()["csrf_token"]
    for template_id in (2**31 - 1, 2**31, 2**63, 10**30):
        response = client.delete(f"/api/v1/templates/{template_id}", headers={"X-CSRFToken": token})
        assert response.status_code == 404 and response.get_json()["error"] == "not_found"
