"""First-party features as a county tester meets them: the scoring behind a vendor's own translator, AI
assistant, chat or web search, and the look-alikes (a word lookup, a site search, a contact form) that
must stay quiet. No browser: widgets as collect.js hands them over."""

from __future__ import annotations

from nettsjekk.probes.detection import run_detectors
from nettsjekk.probes.detectors.base import FrameData, PageSnapshot
from nettsjekk.probes.featurebook import load_features
from nettsjekk.probes.results import RequestRecord
from nettsjekk.probes.reveal import pick
from nettsjekk.probes.rulebook import default_rules

SITE = "https://ordverket.no/"


def widget(buttons=(), boxes=(), options=(), heading="", action=None, hidden=(), where="document") -> dict:
    return {"buttons": list(buttons), "boxes": [{"kind": k, "text": t, "tag": "textarea" if k == "multiline" else "input"}
                                                for k, t in boxes],
            "options": list(options), "heading": heading, "action": action, "method": "get" if action else None,
            "hidden": list(hidden), "where": where, "snippet": "<div>…</div>", "ref": 0, "visible": True}


def request(url: str, kind: str = "fetch", content_type: str | None = "application/json") -> RequestRecord:
    host = url.split("/")[2]
    return RequestRecord(url=url, host=host, domain=host, type=kind, status=200, content_type=content_type)


def first_party(*widgets: dict, requests=()) -> dict:
    frame = {"scripts": [], "iframes": [], "forms": [], "links": [], "texts": [], "selectors": {}, "globals": {},
             "pageText": "", "widgets": list(widgets)}
    snapshot = PageSnapshot(SITE, [FrameData(SITE, True, frame)], list(requests), frozenset({"ordverket.no"}))
    candidates, errors = run_detectors(list(default_rules()), snapshot)
    assert errors == []
    return {c.rule.id: c.evidence.value for c in candidates if c.rule.id.endswith("first-party")}


def test_a_text_box_with_oversett_and_a_language_choice_is_the_sites_own_translator():
    found = first_party(widget(["Oversett"], [("multiline", "Skriv eller lim inn tekst")], ["Engelsk", "Tysk", "Fransk"],
                               action="https://ordverket.no/api/translate"))
    evidence = found.pop("tr-first-party")
    assert found == {}
    assert 'translate-action: button "Oversett" (+3)' in evidence
    assert "language choice (engelsk, fransk, tysk) (+2)" in evidence
    assert "form get https://ordverket.no/api/translate" in evidence


def test_nynorsk_and_northern_sami_translators_are_found_too():
    assert "tr-first-party" in first_party(widget(["Omset"], [("multiline", "Tekst")], ["nynorsk", "engelsk"]))
    assert "tr-first-party" in first_party(widget(["Jorgal"], [("multiline", "Teaksta")], ["dárogiella", "eaŋgalsgiella"]))


def test_a_dictionarys_word_lookup_is_not_a_translator_even_with_an_oversett_button():
    assert first_party(widget(["Oversett"], [("single", "Skriv et ord")], ["Engelsk–norsk", "Norsk–engelsk"])) == {}
    assert first_party(widget(["Søk"], [("search", "Søk i ordbøkene")], ["Begge", "Bokmål", "Nynorsk"],
                              action="https://ordverket.no/sok")) == {}


def test_a_translation_exercise_is_not_a_translator():
    assert first_party(widget(["Lever"], [("multiline", "Skriv oversettelsen din her")],
                              heading="Oversett teksten til engelsk")) == {}


def test_generer_alone_is_not_enough_but_the_pages_own_completions_call_raises_it():
    tool = widget(["Generer"], [("single", "Tema for teksten")])
    assert first_party(tool) == {}
    raised = first_party(tool, requests=[request("https://ordverket.no/api/completions")])
    assert "network: fetch https://ordverket.no/api/completions (+2)" in raised["ai-first-party"]


def test_the_network_never_decides_alone():
    requests = [request("https://ordverket.no/api/chat"), request("https://ordverket.no/stream", "fetch", "text/event-stream"),
                request("wss://ordverket.no/chat/socket", "websocket", None), request("https://ordverket.no/translate")]
    assert first_party(widget(["Les mer"]), requests=requests) == {}


def test_an_event_stream_raises_an_ai_tool_below_the_threshold():
    tool = widget(["Oppsummer"], [("single", "Lenke til artikkelen")])
    assert first_party(tool) == {}
    raised = first_party(tool, requests=[request("https://ordverket.no/x", "fetch", "text/event-stream; charset=utf-8")])
    assert "network: text/event-stream from https://ordverket.no/x" in raised["ai-first-party"]


def test_ki_in_a_heading_or_a_read_more_button_is_not_an_ai_feature():
    assert first_party(widget(["Søk"], [("search", "Søk i artikler om KI")], heading="Kunstig intelligens i skolen"),
                       widget(["Les mer om KI"])) == {}


def test_messages_to_a_teacher_are_communication_but_a_contact_form_is_not():
    assert "comm-first-party" in first_party(widget(["Send melding til lærer"], [("multiline", "Melding")]))
    assert "comm-first-party" in first_party(widget(["Send"], [("multiline", "")], heading="Skriv til læraren"))
    assert first_party(widget(["Send melding"], [("single", "Navn"), ("multiline", "Melding")], heading="Kontakt oss")) == {}


def test_a_search_box_that_leaves_the_site_is_web_search_unless_it_is_limited_to_the_site():
    found = first_party(widget(["Søk"], [("search", "")], action="https://www.nettsok-demo.no/sok"))
    assert "form action leaves the site: https://www.nettsok-demo.no/sok (+3)" in found["search-first-party"]
    limited = widget(["Søk"], [("search", "Søk i læreboka")], action="https://sok.leverandor.no/site/1",
                     hidden=["ordverket.no"])
    assert first_party(limited) == {}
    assert first_party(widget(["Søk"], [("search", "")], action="https://ordverket.no/sok")) == {}
    channel = widget(["Søk"], [("search", "Søk i kanalen vår")], action="https://www.youtube.com/@fysikk/search")
    assert "search-first-party" not in first_party(channel)  # a channel's own search; the video rules judge YouTube


def test_the_evidence_says_where_the_widget_was():
    found = first_party(widget(["Spør KI"], where="closed shadow root of <ki-hjelp>"))
    assert found["ai-first-party"].endswith("4 points in closed shadow root of <ki-hjelp>")


def test_reveal_clicks_one_consent_button_and_feature_openers_only():
    reveal = load_features().reveal
    names = ["Bare nødvendige", "Godta alle", "Meny", "Spør KI", "Oversett tekst", "Chat", "Meldingar", "Hjelp", "Accept"]
    picked = pick([{"ref": i, "name": n} for i, n in enumerate(names)], reveal)
    assert [(c.kind, c.name) for c, _ in picked] == [("consent", "Godta alle"), ("opener", "Spør KI"),
                                                    ("opener", "Oversett tekst"), ("opener", "Chat")]
