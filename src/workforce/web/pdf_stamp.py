"""Lay the pages of content PDFs under the pages of a frame PDF.

A long document is printed as content parts without page furniture (cacheable: they hold nothing about
who prints, when, or how many pages the whole has) and one cheap frame: the print layout's header and
footer with "Page X of Y", printed by and at, on as many empty pages as the content has. Each content page
becomes a form XObject drawn on its frame page. Nothing is re-parsed, so this takes milliseconds where
merging page content streams took seconds. Links and other annotations of the content are not carried
over: the documents printed this way are forms on paper.

A running head (web/pdf.py `running_head`: page 1's and every other page's) is drawn under the content,
each of its two pages made into one form XObject that every page shares."""

from __future__ import annotations

import io
from collections.abc import Sequence

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

CONTENT = NameObject("/WfContent")
HEAD = NameObject("/WfHead")


def stamp(frame: bytes, contents: Sequence[bytes], head: bytes | None = None) -> bytes:
    """The frame's pages, each with the next content page underneath and, given a `head`, its first page
    under page 1 and its second under every other page (same page size expected)."""
    writer = PdfWriter(clone_from=io.BytesIO(frame))
    pages = [page for data in contents for page in PdfReader(io.BytesIO(data)).pages]
    if len(pages) != len(writer.pages):
        raise ValueError(f"frame has {len(writer.pages)} pages, content {len(pages)}")
    head_pages = PdfReader(io.BytesIO(head)).pages if head else []
    if any(_size(page) != _size(writer.pages[0]) for page in head_pages):
        raise ValueError(f"head is {_size(head_pages[0])} pt, frame {_size(writer.pages[0])} pt")
    heads = [_form(writer, page) for page in head_pages]
    for n, (frame_page, page) in enumerate(zip(writer.pages, pages, strict=True), start=1):
        if _size(frame_page) != _size(page):  # e.g. a template that sets its own @page size
            raise ValueError(f"page {n}: frame is {_size(frame_page)} pt, content {_size(page)} pt")
        under = {CONTENT: _form(writer, page)}
        if heads:
            under = {HEAD: heads[0] if n == 1 else heads[-1], **under}
        _draw_under(writer, frame_page, under)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _size(page) -> tuple[int, int]:
    return round(float(page.mediabox.width)), round(float(page.mediabox.height))


def _form(writer: PdfWriter, page):
    """`page` as a form XObject of `writer` (a reference: pages may share it)."""
    form = DecodedStreamObject()
    form.set_data(page.get_contents().get_data())
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): page.mediabox,
            NameObject("/Resources"): page["/Resources"].clone(writer),
        }
    )
    if "/Group" in page:  # transparency group of the content page, if WeasyPrint set one
        form[NameObject("/Group")] = page["/Group"].clone(writer)
    return writer._add_object(form.flate_encode())


def _draw_under(writer: PdfWriter, frame_page, forms: dict) -> None:
    """Draw `forms` (name: form XObject), in order, under the frame page's own drawing."""
    # WeasyPrint shares one resource dictionary between pages: each frame page gets its own copy, or
    # every page would draw the last page's content.
    shared = frame_page.get("/Resources")
    resources = DictionaryObject(shared.get_object()) if shared is not None else DictionaryObject()
    xobjects = resources.get("/XObject")
    xobjects = DictionaryObject(xobjects.get_object()) if xobjects is not None else DictionaryObject()
    xobjects.update(forms)
    resources[NameObject("/XObject")] = xobjects
    frame_page[NameObject("/Resources")] = resources

    # Head and content first, frame on top; the frame's own drawing state is saved and restored around it.
    before, after = DecodedStreamObject(), DecodedStreamObject()
    before.set_data(b"".join(b"q %s Do Q " % name.encode() for name in forms) + b"q\n")
    after.set_data(b"\nQ\n")
    current = frame_page.get("/Contents")
    streams = []
    if current is not None:
        current_obj = current.get_object()
        streams = list(current_obj) if isinstance(current_obj, ArrayObject) else [current]
    frame_page[NameObject("/Contents")] = ArrayObject(
        [writer._add_object(before), *streams, writer._add_object(after)]
    )
