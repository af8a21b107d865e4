"""The credentials preflight, against the Google and Graph emulators.

Real ``requests`` and ``msal`` over loopback; nothing of ours is mocked. A port
nobody listens on stands for a provider that cannot be reached.
"""

from __future__ import annotations

import socket

import pytest

from emulators.google_emulator import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from services import credentials_check as check
from services.graph_client import RewritingSession

REDIRECT_GOOGLE = "https://odoo.example/google_account/authentication"
REDIRECT_MICROSOFT = "https://odoo.example/microsoft_account/authentication"
AUTHORITY = "https://login.microsoftonline.com/common"

pytestmark = pytest.mark.filterwarnings("ignore:response_mode:UserWarning")


@pytest.fixture
def closed_url():
    """``http://127.0.0.1:PORT`` of a port that refuses connections."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def google(emulator, client_id=DEFAULT_CLIENT_ID, secret=DEFAULT_CLIENT_SECRET):
    return check.check_google_credentials(
        emulator.token_uri, client_id, secret, REDIRECT_GOOGLE, timeout=10
    )


def microsoft(emulator, session, client_id=None, secret=None):
    return check.check_microsoft_credentials(
        emulator.client_id if client_id is None else client_id,
        emulator.client_secret if secret is None else secret,
        AUTHORITY,
        REDIRECT_MICROSOFT,
        session=session,
        timeout=10,
    )


# ---------------------------------------------------------------------- Google
def test_check_credentials_accepts_right_google_client_id_and_secret(
    google_emulator,
):
    result = google(google_emulator)
    assert result.ok and result.status == check.OK
    assert result.error == "invalid_grant" and result.field is None


def test_check_credentials_reports_unknown_google_client_id(google_emulator):
    result = google(google_emulator, client_id="nobody.apps.googleusercontent.com")
    assert not result.ok
    assert (result.status, result.field) == (check.UNKNOWN_CLIENT_ID, "client_id")
    assert result.detail == "The OAuth client was not found."


def test_check_credentials_reports_wrong_google_client_secret(google_emulator):
    result = google(google_emulator, secret="not-the-secret")
    assert (result.status, result.field) == (
        check.WRONG_CLIENT_SECRET,
        "client_secret",
    )
    assert result.detail == "Unauthorized"


def test_check_credentials_accepts_a_registered_google_client(google_emulator):
    google_emulator.register_client("odoo.apps.googleusercontent.com", "odoo-secret")
    result = google(
        google_emulator,
        client_id="odoo.apps.googleusercontent.com",
        secret="odoo-secret",
    )
    assert result.status == check.OK


@pytest.mark.parametrize(
    ("client_id", "secret", "status"),
    [
        ("", DEFAULT_CLIENT_SECRET, check.MISSING_CLIENT_ID),
        ("  ", DEFAULT_CLIENT_SECRET, check.MISSING_CLIENT_ID),
        (DEFAULT_CLIENT_ID, "", check.MISSING_CLIENT_SECRET),
        (DEFAULT_CLIENT_ID, None, check.MISSING_CLIENT_SECRET),
    ],
)
def test_check_credentials_reports_a_missing_google_value_without_a_request(
    google_emulator, client_id, secret, status
):
    before = len(google_emulator.requests)
    assert google(google_emulator, client_id, secret).status == status
    assert len(google_emulator.requests) == before


def test_check_credentials_sends_an_invalid_code_with_the_redirect_uri(
    google_emulator,
):
    google(google_emulator)
    (request,) = (r for r in google_emulator.requests if r["path"] == "/token")
    assert request["method"] == "POST" and request["status"] == 400


def test_check_credentials_reports_google_unreachable(closed_url):
    result = check.check_google_credentials(
        closed_url + "/token", "id", "secret", REDIRECT_GOOGLE, timeout=5
    )
    assert (result.status, result.ok) == (check.UNREACHABLE, False)
    assert result.detail


@pytest.mark.parametrize(
    ("status_code", "payload", "status"),
    [
        (400, {"error": "invalid_grant", "error_description": "Bad Request"}, "ok"),
        (
            400,
            {"error": "redirect_uri_mismatch", "error_description": "Bad Request"},
            check.REDIRECT_URI_NOT_REGISTERED,
        ),
        (
            401,
            {
                "error": "deleted_client",
                "error_description": "The OAuth client was deleted.",
            },
            check.UNKNOWN_CLIENT_ID,
        ),
        (
            400,
            {
                "error": "invalid_request",
                "error_description": "client_secret is missing.",
            },
            check.MISSING_CLIENT_SECRET,
        ),
        (503, None, check.UNEXPECTED),
        (500, {"error": "internal_failure"}, check.UNEXPECTED),
    ],
)
def test_google_answers_are_classified_by_what_google_checked_first(
    status_code, payload, status
):
    assert check.classify_google_answer(status_code, payload).status == status


def test_redirect_uri_mismatch_still_means_the_credentials_are_right():
    result = check.classify_google_answer(400, {"error": "redirect_uri_mismatch"})
    assert result.ok and result.field is None


# ------------------------------------------------------------------- Microsoft
def test_check_credentials_accepts_right_microsoft_client_id_and_secret(
    graph_emulator, graph_session
):
    result = microsoft(graph_emulator, graph_session)
    assert result.ok and result.status == check.OK
    assert result.error == "invalid_grant" and result.codes == (70000,)


def test_check_credentials_reports_unknown_microsoft_client_id(
    graph_emulator, graph_session
):
    result = microsoft(graph_emulator, graph_session, client_id="0000-unknown")
    assert (result.status, result.field) == (check.UNKNOWN_CLIENT_ID, "client_id")
    assert result.codes == (700016,)


def test_check_credentials_reports_wrong_microsoft_client_secret(
    graph_emulator, graph_session
):
    result = microsoft(graph_emulator, graph_session, secret="not-the-secret")
    assert (result.status, result.field) == (
        check.WRONG_CLIENT_SECRET,
        "client_secret",
    )
    assert result.codes == (7000215,)


def test_check_credentials_reports_a_missing_microsoft_secret_without_a_request(
    graph_emulator, graph_session
):
    before = len(graph_emulator.requests)
    result = microsoft(graph_emulator, graph_session, secret="")
    assert result.status == check.MISSING_CLIENT_SECRET
    assert len(graph_emulator.requests) == before


def test_check_credentials_asks_microsoft_through_a_fresh_app_each_time(
    graph_emulator, graph_session
):
    # msal caches a failing token request per application: a second check
    # after a fix must reach the identity platform again
    assert microsoft(graph_emulator, graph_session, secret="x").status == (
        check.WRONG_CLIENT_SECRET
    )
    graph_emulator.register_client(graph_emulator.client_id, "x")
    assert microsoft(graph_emulator, graph_session, secret="x").status == check.OK


def test_check_credentials_reports_microsoft_unreachable(closed_url):
    session = RewritingSession({"https://login.microsoftonline.com": closed_url}, 5)
    result = check.check_microsoft_credentials(
        "id", "secret", AUTHORITY, REDIRECT_MICROSOFT, session=session, timeout=5
    )
    assert (result.status, result.ok) == (check.UNREACHABLE, False)
    assert result.detail


@pytest.mark.parametrize(
    ("result", "status"),
    [
        (
            {"error": "invalid_client", "error_codes": [7000222]},
            check.EXPIRED_CLIENT_SECRET,
        ),
        (
            {"error": "invalid_client", "error_codes": [7000218]},
            check.MISSING_CLIENT_SECRET,
        ),
        ({"error": "invalid_grant", "error_codes": [9002313]}, check.OK),
        ({"error": "invalid_grant", "error_codes": [54005]}, check.OK),
        ({"error": "invalid_request", "error_codes": [90002]}, check.INVALID_TENANT),
        ({"error": "temporarily_unavailable"}, check.UNEXPECTED),
        ({}, check.UNEXPECTED),
    ],
)
def test_microsoft_answers_are_classified_by_their_aadsts_codes(result, status):
    assert check.classify_microsoft_answer(result).status == status
