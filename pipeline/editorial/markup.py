"""Markdown of the editorial sections → HTML (site) and Typst markup (PDF), one parse for both.

Why our own Typst writer: the PDF is compiled offline by the `typst` package, which has no Markdown
reader; the sections use a small subset (paragraphs, emphasis, bold, lists, links, level-2/3 titles,
quotes), and walking markdown-it's tokens gives both outputs from the same parse, so the site and the PDF
say the same words. Raw HTML in the Markdown is not rendered (shown as text), and every Typst special
character is escaped, so a section can neither inject markup into the site nor code into the PDF.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

from pipeline.fmt import french_typography

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable("image")
_TYPST_SPECIAL = set("\\#$*_@<>[]`~/=+-")


def _typo_tokens(tokens: list[Token]) -> list[Token]:
    for tok in tokens:
        if tok.children:
            _typo_tokens(tok.children)
        if tok.type == "text":
            tok.content = french_typography(tok.content)
    return tokens


def parse(text: str) -> list[Token]:
    return _typo_tokens(_MD.parse(text))


def to_html(text: str | list[Token]) -> str:
    """Markdown (or its parsed tokens) → HTML fragment (escaped text; links open in the same tab)."""
    tokens = parse(text) if isinstance(text, str) else text
    return _MD.renderer.render(tokens, _MD.options, {})


def render(text: str) -> tuple[str, str]:
    """(HTML, Typst) of one Markdown text, from a single parse."""
    tokens = parse(text)
    return to_html(tokens), to_typst(tokens)


def typst_escape(text: str) -> str:
    """Plain text → Typst markup that prints it literally."""
    return "".join("\\" + ch if ch in _TYPST_SPECIAL else ch for ch in text)


def _typst_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _inline(children: list[Token]) -> str:
    out: list[str] = []
    for tok in children:
        if tok.type == "text":
            out.append(typst_escape(tok.content))
        elif tok.type == "code_inline":
            out.append("#raw(" + _typst_string(tok.content) + ")")
        elif tok.type in ("strong_open", "strong_close"):
            out.append("*")
        elif tok.type in ("em_open", "em_close"):
            out.append("_")
        elif tok.type == "softbreak":
            out.append(" ")
        elif tok.type == "hardbreak":
            out.append(" \\\n")
        elif tok.type == "link_open":
            out.append("#link(" + _typst_string(str(tok.attrs.get("href", ""))) + ")[")
        elif tok.type == "link_close":
            out.append("]")
    return "".join(out)


def to_typst(text: str | list[Token], heading_level: int = 2) -> str:
    """Markdown (or its parsed tokens) → Typst markup. Every Markdown title becomes a Typst heading at
    `heading_level`: one level below the section's own heading, which the page sets at level 1."""
    lines: list[str] = []
    list_stack: list[str] = []
    pending_prefix = ""
    for tok in parse(text) if isinstance(text, str) else text:
        if tok.type == "heading_open":
            pending_prefix = "=" * heading_level + " "
        elif tok.type == "bullet_list_open":
            list_stack.append("-")
        elif tok.type == "ordered_list_open":
            list_stack.append("+")
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            list_stack.pop()
            lines.append("")
        elif tok.type == "list_item_open":
            pending_prefix = "  " * (len(list_stack) - 1) + list_stack[-1] + " "
        elif tok.type == "blockquote_open":
            lines.append("#quote(block: true)[")
        elif tok.type == "blockquote_close":
            lines.append("]")
        elif tok.type == "inline":
            lines.append(pending_prefix + _inline(tok.children or []))
            pending_prefix = ""
        elif (tok.type == "paragraph_close" and not list_stack) or tok.type == "heading_close":
            lines.append("")
        elif tok.type in ("fence", "code_block"):
            lines.append("#raw(block: true, " + _typst_string(tok.content) + ")")
        elif tok.type == "hr":
            lines.append("#line(length: 100%)")
    return "\n".join(lines).strip() + "\n"
