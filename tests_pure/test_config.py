from services import config


def test_redirect_uri_is_base_url_plus_callback_path():
    assert (
        config.redirect_uri("https://odoo.example.com/", config.GOOGLE)
        == "https://odoo.example.com/google_account/authentication"
    )
    assert (
        config.redirect_uri("http://localhost:8069", config.MICROSOFT)
        == "http://localhost:8069/microsoft_account/authentication"
    )


def test_masked_secret_shows_only_its_tail():
    assert config.mask_secret("ya29.a0AfH6SMBx1234") == "••••••••1234"
    assert config.mask_secret("") == ""
    assert config.mask_secret("short") == "••••••••"


def test_tenant_accepts_the_named_audiences_ids_and_domains():
    for tenant in (
        "common",
        "organizations",
        "consumers",
        "contoso.onmicrosoft.com",
        "72f988bf-86f1-41af-91ab-2d7cd011db47",
    ):
        assert config.is_valid_tenant(tenant)
    for tenant in ("", "not a tenant", "evil/../path", "a?b"):
        assert not config.is_valid_tenant(tenant)


def test_authority_joins_host_and_tenant():
    assert (
        config.microsoft_authority("https://login.microsoftonline.com/", "consumers")
        == "https://login.microsoftonline.com/consumers"
    )
    assert config.microsoft_authority("https://login.microsoftonline.us", "") == (
        "https://login.microsoftonline.us/common"
    )


def test_zones_ticking_alike_are_equivalent_and_others_not():
    from services.snapshot import equivalent_zones

    assert equivalent_zones("Europe/Brussels", "Europe/Paris")
    assert equivalent_zones("UTC", "UTC")
    assert not equivalent_zones("Europe/Brussels", "Europe/London")
    assert not equivalent_zones("Europe/Brussels", "America/New_York")
    assert not equivalent_zones("Europe/Brussels", None)


def test_series_fields_leave_out_times_guests_and_organizer():
    from services.snapshot import series_fields

    snapshot = {
        "name": "Weekly",
        "description": "",
        "location": "Room 1",
        "start": "2026-12-14 14:00:00",
        "attendees": [{"email": "alice@example.com", "state": "tentative"}],
        "organizer_email": "carol@example.com",
        "alarms": [],
        "privacy": False,
        "show_as": "busy",
        "videocall_location": "",
    }
    fields = series_fields(snapshot)
    assert fields["name"] == "Weekly"
    assert fields["location"] == "Room 1"
    assert not {"start", "attendees", "organizer_email"} & set(fields)
    # an instance answered alone is no different from its series
    answered = {**snapshot, "attendees": [], "organizer_email": "x@example.com"}
    assert series_fields(answered) == fields
    assert series_fields({**snapshot, "name": "Weekly (old)"}) != fields
    assert series_fields(None) == dict.fromkeys(fields)


def test_number_setting_is_kept_within_its_bounds():
    assert config.bounded("300", 20.0, 1.0, 120.0, float) == 120.0
    assert config.bounded("0", 20.0, 1.0, 120.0, float) == 1.0
    assert config.bounded("7.5", 20.0, 1.0, 120.0, float) == 7.5
    assert config.bounded("3", 5, 0, 10) == 3


def test_number_setting_that_is_no_number_takes_its_default():
    assert config.bounded("soon", 20.0, 1.0, 120.0, float) == 20.0
    assert config.bounded(None, 5, 0, 10) == 5
    assert config.bounded("2.5", 5, 0, 10) == 5
