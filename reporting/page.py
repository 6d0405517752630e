"""The HTML page every report of every command is: one stylesheet, the verdict first, the files last.

Self-contained: inline CSS, no script, no font or image from a CDN, links relative to the report folder, so a page
opens from `file://` and from a CI artifact with no network. The verdict section carries its word in
`data-verdict` and its kind as a class (pass, fail, not_trustworthy, interrupted, could_not_run).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from html import escape

CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:960px;padding:1.5rem;
color:#1f2328;background:#fff}
h1{font-size:1.6rem;margin:0 0 .3rem}h2{font-size:1.15rem;margin:2rem 0 .6rem;border-bottom:1px solid #d0d7de}
h3{font-size:1rem;margin:1.2rem 0 .4rem}
.verdict{border-radius:8px;padding:1rem 1.2rem;color:#fff}.verdict.pass{background:#1a7f37}
.verdict.fail{background:#cf222e}.verdict.not_trustworthy{background:#9a6700}.verdict.interrupted{background:#6e40c9}
.verdict.could_not_run{background:#57606a}.verdict ul{margin:.4rem 0 0;padding-left:1.2rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;
text-align:left;vertical-align:top}th{background:#f6f8fa}td.n{text-align:right;font-variant-numeric:tabular-nums}
td.pass,.ok{color:#1a7f37;font-weight:600}td.fail,.ko{color:#cf222e;font-weight:600}td.skip{color:#59636e}
img{max-width:100%;height:auto;border:1px solid #d0d7de;margin:.3rem 0}svg{display:block;margin:.4rem 0}
pre{background:#f6f8fa;padding:.6rem;overflow:auto;font-size:.8rem;white-space:pre-wrap;word-break:break-all;
max-height:22rem}
code{font-size:.85rem}.muted{color:#59636e}details{margin:.3rem 0}summary{cursor:pointer}
"""


def table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: Collection[int] = ()) -> str:
    """Cells are HTML already (callers escape); header cells are plain text."""
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td{' class=n' if i in numeric else ''}>{c}</td>" for i, c in enumerate(row))
                   + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def document(title: str, body: str) -> str:
    """A page with the one stylesheet: `body` is HTML. Pages without a verdict (a comparison, a history) use it."""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{escape(title)}</title><style>{CSS}</style></head><body>
{body}
</body></html>
"""


def render(*, title: str, verdict: str, kind: str, headline: str, reasons: Sequence[str], body: str,
           files: Sequence[tuple[str, str]]) -> str:
    """A report page: `verdict` is the word, `kind` its class; `body` is HTML; `files` are (file name, label)."""
    items = "".join(f"<li>{escape(reason)}</li>" for reason in reasons)
    links = "".join(f"<li><a href='{escape(name)}'>{escape(label)}</a> <code>{escape(name)}</code></li>"
                    for name, label in files) or "<li class=muted>none</li>"
    return document(title, f"""<section class="verdict {escape(kind)}" id="verdict" data-verdict="{escape(verdict)}">
<h1>{escape(headline)}</h1>{f'<ul>{items}</ul>' if items else ''}</section>
{body}
<h2 id="files">Files</h2><ul>{links}</ul>""")
