"""The one HTML page skeleton: verdict first, one stylesheet, files last, nothing fetched from the network."""

from __future__ import annotations

import re

from reporting import page


def _page(**overrides: object) -> str:
    arguments: dict[str, object] = {
        "title": "edgeload FAIL: <gate>", "verdict": "FAIL", "kind": "fail", "headline": "FAIL: p95 <10ms",
        "reasons": ["p95 was 12 ms & more"], "body": "<h2 id=\"gates\">Gates</h2>",
        "files": [("junit.xml", "JUnit XML")]}
    return page.render(**(arguments | overrides))  # type: ignore[arg-type]


def test_page_render_opens_with_the_verdict_word_and_its_reasons_escaped() -> None:
    html = _page()
    assert html.startswith("<!DOCTYPE html>\n")
    assert "<title>edgeload FAIL: &lt;gate&gt;</title>" in html
    assert ('<section class="verdict fail" id="verdict" data-verdict="FAIL">\n<h1>FAIL: p95 &lt;10ms</h1>'
            "<ul><li>p95 was 12 ms &amp; more</li></ul></section>") in html
    assert html.index('id="verdict"') < html.index('id="gates"') < html.index('id="files"')


def test_page_render_lists_the_files_last_or_says_none() -> None:
    assert "<h2 id=\"files\">Files</h2><ul><li><a href='junit.xml'>JUnit XML</a> <code>junit.xml</code></li></ul>" \
        in _page()
    assert "<ul><li class=muted>none</li></ul>" in _page(files=[])
    assert "<ul></ul></section>" not in _page(reasons=[])


def test_page_render_works_offline_with_one_inline_stylesheet() -> None:
    html = _page()
    assert html.count("<style>") == 1
    assert page.CSS in html
    assert not re.search(r"<script|<link|src=|url\(|@import", html)


def test_page_css_colours_every_verdict_kind() -> None:
    for kind in ("pass", "fail", "not_trustworthy", "interrupted", "could_not_run"):
        assert f".verdict.{kind}{{background:#" in page.CSS


def test_page_table_escapes_headers_and_right_aligns_numeric_columns() -> None:
    assert page.table(("a<b", "n"), [("<code>x</code>", "3")], numeric=(1,)) == (
        "<table><thead><tr><th>a&lt;b</th><th>n</th></tr></thead>"
        "<tbody><tr><td><code>x</code></td><td class=n>3</td></tr></tbody></table>")


def test_page_document_is_the_skeleton_without_a_verdict() -> None:
    html = page.document("edgeload run <history>", "<h1>runs</h1>")
    assert html.startswith("<!DOCTYPE html>\n")
    assert "<title>edgeload run &lt;history&gt;</title>" in html
    assert html.endswith(f"<style>{page.CSS}</style></head><body>\n<h1>runs</h1>\n</body></html>\n")
    assert 'id="verdict"' not in html
