from tests.factories import make_user


def test_login_and_home(client, auth):
    user = make_user(name="王五")
    response = auth.login(user)
    assert response.status_code == 303
    assert "王五" in client.get("/").get_data(as_text=True)
