"""Which sites may use the chat, and the headers that tell browsers so (pure)."""

import pytest

from channels.core.settings import read_settings
from channels.web.origins import (
    ALLOWED_ORIGINS,
    content_security_policy,
    cors_headers,
    origin_allowed,
    page_headers,
    parse_origins,
)

SITE = "https://www.example.gov.cn"


def allowed_from(credentials, environ=None):
    values, problems = read_settings([ALLOWED_ORIGINS], credentials, environ or {})
    return values[ALLOWED_ORIGINS.name], problems


def test_no_other_site_is_allowed_by_default():
    assert allowed_from({"allowed_origins": ""}) == ((), [])
    assert allowed_from(None) == ((), [])


def test_origins_are_read_from_the_file_or_the_environment():
    assert allowed_from({"allowed_origins": f"{SITE}, http://127.0.0.1:8080/"}) == (
        (SITE, "http://127.0.0.1:8080"),
        [],
    )
    environ = {"WEBCHAT_ALLOWED_ORIGINS": "https://A.example.org https://b.example.org"}
    assert allowed_from({"allowed_origins": SITE}, environ)[0] == (
        "https://a.example.org",
        "https://b.example.org",
    )


@pytest.mark.parametrize(
    "value", ["*", "www.example.gov.cn", "https://example.org/chat", "ftp://example.org"]
)
def test_a_value_that_is_not_an_origin_is_a_problem(value):
    allowed, problems = allowed_from({"allowed_origins": f"{SITE} {value}"})
    assert allowed == () and len(problems) == 1 and "'allowed_origins' must be" in problems[0]
    with pytest.raises(ValueError):
        parse_origins(value)


def test_the_chat_s_own_site_always_works_and_others_only_when_named():
    host = "assistant.example.gov.cn"
    assert origin_allowed(None, host, ())  # not a browser page
    assert origin_allowed("https://assistant.example.gov.cn", host, ())
    assert origin_allowed("http://assistant.example.gov.cn", host, ())  # behind a TLS proxy
    assert not origin_allowed("https://assistant.example.gov.cn.evil.org", host, ())
    assert not origin_allowed(SITE, host, ())
    assert not origin_allowed("null", host, (SITE,))
    assert origin_allowed(SITE, host, (SITE,))
    assert not origin_allowed("http://127.0.0.1:8001", "127.0.0.1:8000", ())


def test_cors_lets_only_named_sites_read_answers():
    assert cors_headers(SITE, (SITE,)) == {"Access-Control-Allow-Origin": SITE, "Vary": "Origin"}
    assert "Access-Control-Allow-Origin" not in cors_headers("https://other.org", (SITE,))
    assert "Access-Control-Allow-Origin" not in cors_headers(None, (SITE,))


def test_the_page_may_be_framed_by_itself_and_the_named_sites_only():
    assert "frame-ancestors 'self'" in content_security_policy(())
    assert f"frame-ancestors 'self' {SITE}" in content_security_policy((SITE,))
    policy = content_security_policy(())
    for directive in ("default-src 'none'", "script-src 'self'", "connect-src 'self'"):
        assert directive in policy
    assert "unsafe" not in policy
    assert page_headers(())["X-Frame-Options"] == "SAMEORIGIN"
    assert "X-Frame-Options" not in page_headers((SITE,))
