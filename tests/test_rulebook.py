"""Rule files are data a county can extend; mistakes in them are named by file, line and field."""

from __future__ import annotations

import textwrap

import pytest

from nettsjekk.probes.rulebook import RuleFileError, default_rules, load_rules

GOOD = """\
category: ai
rules:
  - id: county-ai-tutor
    name: County AI tutor
    description: A tutor bot a vendor added.
    severity: block
    matchers:
      - request_host: tutor.example-ai.no
"""


def write(tmp_path, text: str, name: str = "rules.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_county_rule_file_is_added_to_the_bundled_rules(tmp_path):
    rules = load_rules([write(tmp_path, GOOD)], include_defaults=False)
    assert [(r.id, r.category) for r in rules] == [("county-ai-tutor", "ai")]


def test_a_county_rule_may_give_a_bokmal_name_and_one_without_keeps_only_its_name(tmp_path):
    named = GOOD.replace("    name: County AI tutor\n", "    name: County AI tutor\n    name_nb: Fylkets KI-veileder\n")
    assert load_rules([write(tmp_path, named)], include_defaults=False)[0].rule.name_nb == "Fylkets KI-veileder"
    assert load_rules([write(tmp_path, GOOD)], include_defaults=False)[0].rule.name_nb is None


def test_every_bundled_rule_has_a_bokmal_name_for_norwegian_reports():
    missing = [r.id for r in default_rules() if not (r.rule.name_nb or "").strip()]
    assert missing == [], f"rules without name_nb: {missing}"


@pytest.mark.parametrize(("change", "expected"), [
    (("severity: block", "severity: blocker"),
     "rules.yaml:6: rules[0].severity: 'blocker' is not allowed (choose one of: block, review, info)"),
    (("request_host: tutor.example-ai.no", "request_url: '[unclosed'"),
     "rules.yaml:8: rules[0].matchers[0].request_url: '[unclosed' is not a valid regular expression "
     "(unterminated character set at position 0)"),
    (("request_host: tutor.example-ai.no", "request_host: '*.no'"),
     "rules.yaml:8: rules[0].matchers[0].request_host: '*.no' covers a whole public suffix"),
    (("request_host: tutor.example-ai.no", "request_host: 'ex ample.no'"),
     "rules.yaml:8: rules[0].matchers[0].request_host: 'ex ample.no' is not a valid hostname "
     "(contains whitespace or control characters)"),
    (("      - request_host: tutor.example-ai.no", "      - request_host: a.no\n        selector: '#x'"),
     "rules.yaml:8: rules[0].matchers[0]: a matcher needs exactly one of: request_host, request_url, script_src, "
     "iframe_src, selector, text, global, form_action_host, link_host, link_url, feature "
     "(got ['request_host', 'selector'])"),
    (("    name: County AI tutor", "    name: County AI tutor\n    colour: red"),
     "rules.yaml:5: rules[0].colour: unknown field (allowed: id, category, name, name_nb, description, severity, "
     "references, matchers)"),
    (("category: ai", "category: gossip"),
     "rules.yaml:1: category: 'gossip' is not allowed (choose one of: ai, translation, communication, "
     "search_engine, social, video)"),
    (("request_host: tutor.example-ai.no", "global: 'window..x'"),
     "rules.yaml:8: rules[0].matchers[0]: 'window..x' is not a property path like google.translate.TranslateElement"),
])
def test_mistakes_in_a_rule_file_are_named_by_line_and_field(tmp_path, change, expected):
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(RuleFileError) as caught:
        load_rules([path], include_defaults=False)
    assert str(caught.value) == f"{tmp_path}/{expected}"


def test_a_rule_id_used_twice_names_both_files(tmp_path):
    first, second = write(tmp_path, GOOD, "a.yaml"), write(tmp_path, GOOD, "b.yaml")
    with pytest.raises(RuleFileError, match="id 'county-ai-tutor' is already used in .*a.yaml"):
        load_rules([first, second], include_defaults=False)


def test_the_bundled_rules_load():
    rules = load_rules()
    assert len({r.id for r in rules}) == len(rules)
