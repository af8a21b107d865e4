"""Signed OAuth state, PKCE pairs and return-URL checks."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import datetime, timezone

import pytest

from services.exceptions import InvalidOAuthState
from services.oauth_state import (
    make_state,
    new_pkce_pair,
    read_state,
    safe_return_url,
)

SECRET = "database-secret"
NOW = 1_700_000_000


def state(**overrides):
    args = {
        "secret": SECRET,
        "user_id": 7,
        "dbname": "db1",
        "provider": "google",
        "return_url": "/odoo/calendar",
        "now": NOW,
    }
    args.update(overrides)
    return make_state(**args)


def read(value, **overrides):
    args = {"user_id": 7, "dbname": "db1", "provider": "google", "now": NOW + 10}
    args.update(overrides)
    return read_state(overrides.pop("secret", SECRET), value, **args)


def reason_of(value, **overrides):
    with pytest.raises(InvalidOAuthState) as info:
        read(value, **overrides)
    return info.value.reason


def test_pkce_challenge_is_the_s256_of_the_verifier():
    verifier, challenge = new_pkce_pair()
    assert 43 <= len(verifier) <= 128
    assert re.fullmatch(r"[A-Za-z0-9_\-]+", verifier)
    digest = hashlib.sha256(verifier.encode()).digest()
    assert challenge == base64.urlsafe_b64encode(digest).decode().rstrip("=")
    assert new_pkce_pair()[0] != verifier


def test_state_round_trips_with_its_nonce_and_return_url():
    payload = read(state(return_url="/odoo/calendar?view=week"))
    assert payload["user_id"] == 7
    assert payload["dbname"] == "db1"
    assert payload["provider"] == "google"
    assert payload["return_url"] == "/odoo/calendar?view=week"
    assert payload["expires"] == NOW + 600
    assert len(payload["nonce"]) >= 16


def test_state_is_url_safe_and_opaque():
    value = state(return_url="/odoo/calendar")
    assert re.fullmatch(r"[A-Za-z0-9_\-.]+", value)
    assert "db1" not in value and "odoo" not in value


def test_every_state_carries_a_fresh_nonce():
    assert read(state())["nonce"] != read(state())["nonce"]


def test_tampered_state_has_a_bad_signature():
    body, signature = state().split(".")
    other_body = state(user_id=8).split(".")[0]
    assert reason_of(f"{other_body}.{signature}", user_id=8) == "bad_signature"
    assert reason_of(f"{body}.{signature[:-2]}xx") == "bad_signature"


def test_state_signed_with_another_secret_is_refused():
    assert reason_of(state(secret="other-secret")) == "bad_signature"


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "....", "x.y"])
def test_malformed_state_is_refused(garbage):
    assert reason_of(garbage) in ("malformed", "bad_signature")


def test_expired_state_is_refused():
    assert reason_of(state(ttl=60), now=NOW + 61) == "expired"
    assert read(state(ttl=60), now=NOW + 60)["user_id"] == 7


def test_state_of_another_user_database_or_provider_is_refused():
    assert reason_of(state(), user_id=8) == "wrong_user"
    assert reason_of(state(), dbname="db2") == "wrong_database"
    assert reason_of(state(), provider="microsoft") == "wrong_provider"


def test_now_may_be_a_datetime():
    moment = datetime.fromtimestamp(NOW, tz=timezone.utc)
    value = make_state(SECRET, 7, "db1", "google", "/", now=moment)
    naive_later = datetime.fromtimestamp(NOW + 30, tz=timezone.utc).replace(tzinfo=None)
    assert read_state(SECRET, value, 7, "db1", "google", now=naive_later)


def test_bytes_secret_is_accepted():
    value = make_state(b"k", 1, "d", "google", "/", now=NOW)
    assert read_state(b"k", value, 1, "d", "google", now=NOW)["user_id"] == 1


@pytest.mark.parametrize(
    "url",
    [
        "/odoo/calendar",
        "/odoo/action-calendar?view_type=week",
        "https://odoo.example.com/odoo/calendar",
        "HTTPS://ODOO.EXAMPLE.COM/web",
    ],
)
def test_same_origin_or_relative_return_urls_are_kept(url):
    assert safe_return_url(url, "https://odoo.example.com") == url


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "//evil.com/x",
        "https://evil.com/odoo",
        "http://odoo.example.com/",  # other scheme = other origin
        "https://odoo.example.com:8443/",
        "https://odoo.example.com.evil.com/",
        "javascript:alert(1)",
        "odoo/calendar",
        "/\\evil.com",
        "/odoo\r\nSet-Cookie: x",
    ],
)
def test_foreign_return_urls_fall_back_to_the_calendar(url):
    assert safe_return_url(url, "https://odoo.example.com") == "/odoo/calendar"
