"""Where the providers can reach Odoo, and when a channel is renewed."""

from datetime import datetime, timedelta

from services.push import (
    LOCAL_ADDRESS,
    NO_URL,
    NOT_HTTPS,
    needs_renewal,
    push_address,
    same_secret,
)


def test_public_https_address_gets_the_provider_webhook():
    assert push_address("https://erp.example.com/", "google") == (
        "https://erp.example.com/calendar_sync/push/google",
        None,
    )
    assert push_address("https://erp.example.com", "microsoft")[0] == (
        "https://erp.example.com/calendar_sync/push/microsoft"
    )


def test_http_address_cannot_receive_push():
    assert push_address("http://erp.example.com", "google") == (None, NOT_HTTPS)


def test_local_addresses_cannot_receive_push():
    for url in (
        "https://localhost:8069",
        "https://127.0.0.1",
        "https://[::1]",
        "https://10.0.0.5",
        "https://192.168.1.2",
        "https://odoo.local",
    ):
        assert push_address(url, "google") == (None, LOCAL_ADDRESS), url


def test_missing_address_is_said():
    assert push_address("", "google") == (None, NO_URL)
    assert push_address(None, "google") == (None, NO_URL)


def test_push_url_parameter_overrides_the_checks():
    assert push_address("http://localhost:8069", "google", "http://127.0.0.1:1/") == (
        "http://127.0.0.1:1/calendar_sync/push/google",
        None,
    )


def test_channel_is_renewed_within_the_margin_or_when_it_has_no_expiry():
    now = datetime(2030, 1, 1, 12, 0)
    day = timedelta(days=1)
    assert needs_renewal(None, now, day)
    assert needs_renewal(now + timedelta(hours=23), now, day)
    assert not needs_renewal(now + timedelta(days=2), now, day)


def test_secrets_compare_only_when_both_are_set():
    assert same_secret("abc", "abc")
    assert not same_secret("abc", "abd")
    assert not same_secret("", "")
    assert not same_secret(None, None)
    assert not same_secret("abc", None)
