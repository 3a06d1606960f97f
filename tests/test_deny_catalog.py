"""Issue 17: the deny catalog covers what an exam network must never open, from sourced data.

Every category denies at least the hosts the hostile-input review named; Google's search and
translation are denied on every one of its country domains (generated from Google's published list of
supported domains), and an export that asks for one of them is refused.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from nettsjekk.core.deny import CATEGORIES, deny_category, load_deny_catalog

FIXTURES = Path(__file__).parent / "allowlist_fixtures"
NETTSJEKK = str(Path(sys.executable).with_name("nettsjekk"))
MUST_DENY = {
    "search_engine": ["www.google.se", "google.de", "www.google.co.uk", "www.google.com.br", "google.no",
                      "www.google.com.lc", "www.google.vg", "www.google.ac", "www.msn.com",
                      "www.bing.com", "yandex.ru", "yandex.com.tr", "www.baidu.com", "duckduckgo.com",
                      "www.ecosia.org", "www.startpage.com", "search.brave.com", "www.qwant.com", "kagi.com"],
    "translation": ["translate.google.se", "translate.google.de", "translate.google.com", "translate.google.no",
                    "translate.google.co.jp", "www.deepl.com", "translate.yandex.ru", "translate.yandex.com",
                    "papago.naver.com", "context.reverso.net", "fanyi.baidu.com", "translate.bing.com"],
    "ai": ["gemini.google.com", "claude.ai", "copilot.microsoft.com", "www.perplexity.ai", "chat.mistral.ai",
           "chat.deepseek.com", "kimi.com", "www.kimi.com", "chat.qwen.ai", "chatgpt.com", "chat.openai.com",
           "poe.com", "character.ai", "you.com", "grok.com", "x.ai", "www.meta.ai", "photomath.com",
           "www.wolframalpha.com", "www.symbolab.com", "socratic.org"],
    "communication": ["widget.intercom.io", "web.whatsapp.com", "discord.com", "teams.microsoft.com",
                      # sharing and cloud collaboration, which the guide counts as communication
                      "drive.google.com", "docs.google.com", "onedrive.live.com", "1drv.ms", "kommune-my.sharepoint.com",
                      "www.office.com", "www.dropbox.com", "www.icloud.com", "wetransfer.com", "www.notion.so",
                      "miro.com", "www.canva.com", "mail.proton.me", "outlook.com", "brainly.com"],
    "social": ["www.facebook.com", "connect.facebook.net", "www.instagram.com", "x.com", "www.tiktok.com"],
    "video": ["www.youtube.com", "www.youtube-nocookie.com", "vimeo.com", "player.vimeo.com"],
    "compromised": ["cdn.polyfill.io"],
}


def test_every_category_of_the_catalog_is_checked_here():
    assert set(MUST_DENY) == set(CATEGORIES)


@pytest.mark.parametrize("category,host", [(c, h) for c, hosts in MUST_DENY.items() for h in hosts])
def test_the_catalog_denies_the_host_under_its_category(category, host):
    assert deny_category(host) == category


def test_google_search_and_translate_are_denied_on_every_published_country_domain():
    catalog = load_deny_catalog()
    google = [e for e in catalog.hosts("search_engine") if e.host.startswith("google.")]

    assert len(google) >= 180  # google.com plus its country domains
    for entry in google:
        assert deny_category("translate." + entry.host) == "translation", entry.host
        assert deny_category("www." + entry.host) == "search_engine", entry.host


def test_generated_entries_name_their_source():
    catalog = load_deny_catalog()

    assert "https://www.google.com/supported_domains" in catalog.match("google.se").source
    assert "https://www.google.com/supported_domains" in catalog.match("translate.google.se").source


def test_ordinary_sites_and_google_infrastructure_outside_the_catalog_are_not_denied():
    for host in ("snl.no", "www.udir.no", "fonts.googleapis.com", "www.gstatic.com", "google.org.example.no",
                 "googleblog.com", "ndla.no"):
        assert deny_category(host) is None, host


@pytest.mark.parametrize("host", ["translate.google.se", "translate.google.de", "www.google.se", "*.google.se"])
def test_an_export_that_asks_for_a_google_country_domain_is_refused(host, tmp_path):
    fixtures = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, fixtures)
    vendor = fixtures / "vendor_whitelists" / "ressurs-forlag.yaml"
    vendor.write_text(vendor.read_text().replace("domains:\n", f'domains:\n  - "{host}"\n'))

    done = subprocess.run([NETTSJEKK, "export", "--format", "squid", "--lists", fixtures / "lists",
                           "--vendor-dir", fixtures / "vendor_whitelists"], capture_output=True, text=True, check=False)

    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: export refused: it would open a denied host: ")
    assert host.removeprefix("*.") in done.stderr and "Traceback" not in done.stderr
