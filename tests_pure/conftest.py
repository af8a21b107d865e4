"""Shared pytest fixtures of the pure suite."""

from __future__ import annotations

import pytest
from graph_emulator_helpers import Api

# --------------------------------------------------------------------------
# Google emulator fixtures (emulators/google_emulator.py)
# --------------------------------------------------------------------------
from emulators.google_emulator import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    GoogleEmulator,
)
from emulators.graph_emulator import GraphEmulator


@pytest.fixture(scope="session")
def _google_emulator_server():
    with GoogleEmulator() as emulator:
        yield emulator


@pytest.fixture
def google_emulator(_google_emulator_server):
    """A running Google emulator, reset to a blank state for each test."""
    _google_emulator_server.reset()
    yield _google_emulator_server
    _google_emulator_server.reset()


@pytest.fixture
def google_tokens(google_emulator):
    """Access + refresh token of the emulator's default account."""
    return google_emulator.issue_tokens()


@pytest.fixture
def make_google_client(google_emulator, google_tokens):
    """Factory of GoogleCalendarClient on the emulator (no real sleeping)."""
    from services.google_client import GoogleCalendarClient

    def make(**overrides):
        sleeps = []
        options = {
            "client_id": DEFAULT_CLIENT_ID,
            "client_secret": DEFAULT_CLIENT_SECRET,
            "access_token": google_tokens["access_token"],
            "refresh_token": google_tokens["refresh_token"],
            "token_expiry": None,
            "token_uri": google_emulator.token_uri,
            "api_root": google_emulator.api_root,
            "sleep": sleeps.append,
        }
        options.update(overrides)
        client = GoogleCalendarClient(**options)
        client.sleeps = sleeps
        return client

    return make


# --------------------------------------------------------------------------
# Microsoft Graph emulator fixtures (emulators/graph_emulator.py)
# --------------------------------------------------------------------------
@pytest.fixture(scope="session")
def _graph_emulator_server():
    with GraphEmulator() as emulator:
        yield emulator


@pytest.fixture
def graph_emulator(_graph_emulator_server):
    """A running Graph emulator, reset to a blank state for each test."""
    emulator = _graph_emulator_server
    emulator.reset()
    emulator.auto_consent = False
    emulator.keep_old_refresh_tokens = True
    emulator.mailbox_concurrency_limit = None
    emulator.latency = 0.0
    yield emulator
    emulator.reset()


@pytest.fixture
def graph_session(graph_emulator):
    """A RewritingSession mapping the real Microsoft origins to the emulator."""
    from services.graph_client import RewritingSession

    with RewritingSession(graph_emulator.url_mapping, timeout=10) as session:
        yield session


@pytest.fixture
def make_graph_client(graph_emulator, graph_session):
    """Factory of GraphCalendarClient for an account (sleeps are recorded)."""
    from services.graph_client import GraphCalendarClient

    def make(account="alice@contoso.com", **overrides):
        sleeps = []
        tokens = graph_emulator.issue_tokens(account)
        options = {"session": graph_session, "sleep": sleeps.append}
        options.update(overrides)
        client = GraphCalendarClient(tokens["access_token"], **options)
        client.sleeps = sleeps
        return client

    return make


# --------------------------------------------------------------------------
# The client library's Calendar service on the Google emulator
# (tests_pure/test_google_emulator_*.py)
# --------------------------------------------------------------------------
@pytest.fixture
def svc(google_emulator, google_tokens):
    # imported here: the client library warns at import time unless
    # services.google_results quiets it first (as the suite's order does)
    from google_emulator_helpers import service

    return service(google_emulator, google_tokens["access_token"])


# --------------------------------------------------------------------------
# Raw Graph calls as alice on the Graph emulator
# (tests_pure/test_graph_emulator_*.py)
# --------------------------------------------------------------------------
@pytest.fixture
def api(graph_emulator, graph_session):
    tokens = graph_emulator.issue_tokens("alice@contoso.com")
    return Api(graph_session, tokens["access_token"])
