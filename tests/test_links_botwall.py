"""Bot-wall recognition: challenge pages are bot walls, ordinary errors behind a CDN are not."""

from __future__ import annotations

import pytest

from nettsjekk.probes.crawler.botwall import detect_wall

CF_CHALLENGE_BODY = "<!DOCTYPE html><title>Just a moment...</title><script>window._cf_chl_opt={}</script>"


@pytest.mark.parametrize(("status", "headers", "body", "host", "cookies", "provider"), [
    (403, {"cf-mitigated": "challenge"}, "", "", [], "cloudflare"),
    (403, {"server": "cloudflare"}, "<title>Just a moment...</title>", "", [], "cloudflare"),
    (503, {}, '<script src="/cdn-cgi/challenge-platform/h/b/orchestrate/jsch/v1"></script>', "", [], "cloudflare"),
    (403, {"x-vercel-mitigated": "challenge"}, "", "", [], "vercel"),
    (403, {"server": "AkamaiGHost"}, "<H1>Access Denied</H1> Reference #18.1", "", [], "akamai"),
    (403, {"x-datadome": "protected"}, "", "", [], "datadome"),
    (403, {}, "<script src='https://ct.captcha-delivery.com/c.js'></script>", "", [], "datadome"),
    (403, {}, "<div id='px-captcha'></div>", "", [], "perimeterx"),
    (403, {"x-iinfo": "10-123"}, "", "", [], "imperva"),
    (405, {"x-amzn-waf-action": "challenge"}, "", "", [], "aws-waf"),
    (403, {}, '<script src="https://hcaptcha.com/1/api.js"></script>', "", [], "hcaptcha"),
    (403, {}, '<script src="https://www.google.com/recaptcha/api.js"></script>', "", [], "recaptcha"),
    (429, {}, "", "", ["datadome=abc; Path=/"], "datadome"),
    (999, {}, "", "www.linkedin.com", [], "linkedin"),
])
def test_known_walls_are_recognised(status, headers, body, host, cookies, provider):
    wall = detect_wall(status, headers, body.encode(), host, cookies)
    assert wall is not None and wall.provider == provider


@pytest.mark.parametrize(("status", "headers", "body"), [
    (404, {"cf-mitigated": "challenge"}, CF_CHALLENGE_BODY),   # a challenge never comes as 404
    (200, {"server": "cloudflare"}, CF_CHALLENGE_BODY),
    (403, {"server": "cloudflare"}, "<h1>403 Forbidden</h1>"),  # behind Cloudflare is not a challenge
    (503, {"server": "nginx"}, "<h1>Service Unavailable</h1>"),
    (403, {}, ""),
])
def test_ordinary_errors_are_not_walls(status, headers, body):
    assert detect_wall(status, headers, body.encode()) is None


def test_the_evidence_names_the_signal():
    wall = detect_wall(403, {"cf-mitigated": "challenge"})
    assert wall is not None and "cf-mitigated" in wall.evidence
