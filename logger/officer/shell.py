"""The installable app shell: the service worker at the site root and the web app manifest."""

from __future__ import annotations

import functools
import hashlib
import posixpath
import re
from pathlib import Path

from flask import Blueprint, current_app, render_template, request, url_for

bp = Blueprint("shell", __name__)

# What an officer needs with no signal: their two screens and every file those load (every
# script, with each module a script imports: see shell_files).
SHELL_PAGES = ("entries.new_contact", "entries.my_entries")
SHELL_FILES = ("app.css", "icon-192.png", "icon-512.png")
# `import ... from "./x.js"` (or `import "./x.js"`) in a module, over one or more lines.
RELATIVE_IMPORT = re.compile(r'^\s*import\b[^;"]*"(\.\.?/[^"]+)"', re.MULTILINE)


@functools.cache
def shell_files(static_folder: str) -> tuple[str, ...]:
    """SHELL_FILES and every script under the static folder, so a new module is never left out."""
    root = Path(static_folder)
    return SHELL_FILES + tuple(sorted(p.relative_to(root).as_posix() for p in root.rglob("*.js")))


@functools.cache
def imported_modules(static_folder: str) -> frozenset[str]:
    """The scripts that other modules import by a relative URL, which carries no version."""
    root = Path(static_folder)
    imported = set()
    for path in root.rglob("*.js"):
        base = posixpath.dirname(path.relative_to(root).as_posix())
        for target in RELATIVE_IMPORT.findall(path.read_text(encoding="utf-8")):
            imported.add(posixpath.normpath(posixpath.join(base, target)))
    return frozenset(imported)


def shell_urls(static_folder: str) -> list[str]:
    """The shell's files by the URLs the pages ask for: each imported module by its plain URL
    (a relative import), every other file by url_for's versioned one (as the templates)."""
    imported = imported_modules(static_folder)
    return [
        url_for("static", filename=name, **({"v": None} if name in imported else {}))
        for name in shell_files(static_folder)
    ]


@functools.cache
def shell_version(static_folder: str) -> str:
    """A short hash of the shell's files and templates: a new one means a new cache."""
    digest = hashlib.sha256()
    roots = [Path(static_folder), Path(static_folder).parent / "templates"]
    for path in sorted(p for root in roots for p in root.rglob("*") if p.is_file()):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@bp.route("/sw.js")
def service_worker():
    """The service worker; at the root so it may serve every officer page."""
    response = current_app.response_class(
        render_template(
            "officer/sw.js",
            version=shell_version(current_app.static_folder),
            pages=[url_for(page) for page in SHELL_PAGES],
            files=shell_urls(current_app.static_folder),
        ),
        mimetype="text/javascript",
    )
    response.headers["Cache-Control"] = "no-cache"
    response.add_etag()  # the browser's update check then costs a 304 when nothing changed
    return response.make_conditional(request)


@bp.route("/manifest.webmanifest")
def manifest():
    """The web app manifest: installable, standalone, opening on New contact."""
    response = current_app.response_class(
        render_template("officer/manifest.webmanifest"), mimetype="application/manifest+json"
    )
    return response
