"""The provider registry: the one place that lists providers."""

from services import config, providers


def test_every_provider_is_registered_once_with_what_the_product_shows():
    assert providers.provider_keys() == config.PROVIDERS
    for key in providers.provider_keys():
        info = providers.get(key)
        assert info.key == key
        assert info.label and info.short_label and info.company
        assert info.icon.startswith("fa ")
        assert info.auth == "oauth2"
        assert set(info.params) == {"client_id", "client_secret", "paused"}
        assert info.callback_path.startswith("/")


def test_callback_paths_are_the_ones_odoo_core_registers():
    assert providers.get("google").callback_path == "/google_account/authentication"
    assert (
        providers.get("microsoft").callback_path == "/microsoft_account/authentication"
    )
