# -*- test-case-name: tests.panel.test_pages -*-
"""
The style sheet and the script of the presentation pages, written here and
sent inline (no external asset, no CDN), with the C{Content-Security-Policy}
that allows exactly these two and nothing else inline.

The script only enhances: the page reads and works without it.  With it,
the values follow the device live (server-sent events from C{?events}, see
L{coherence_lite.panel.live}) and an action's form is sent in the background,
its result shown in place.  It never builds HTML from values: a changed
value is set as text; a result is the escaped fragment the server rendered.
"""

from __future__ import annotations

import base64
import hashlib

__all__ = ["CSP", "SCRIPT", "STYLE"]

STYLE = """
:root { color-scheme: light dark; --bg: #f4f5f7; --card: #fff; --ink: #1d2330; --muted: #5d6678;
  --line: #dde1e8; --accent: #2357c6; --good: #1b7f3b; --bad: #b3261e; --flash: #fff3b0; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #15181e; --card: #1f232b; --ink: #e8eaf0; --muted: #a2a9b8; --line: #343a46;
    --accent: #8ab4ff; --good: #6fd08c; --bad: #ff8a80; --flash: #5a4d12; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
a { color: var(--accent); }
header.top { display: flex; align-items: center; gap: 14px; padding: 16px max(16px, calc(50% - 480px));
  background: var(--card); border-bottom: 1px solid var(--line); }
header.top img { width: 56px; height: 56px; object-fit: contain; flex: none; }
header.top h1 { margin: 0; font-size: 1.35rem; overflow-wrap: anywhere; }
header.top p { margin: 2px 0 0; color: var(--muted); font-size: .9rem; overflow-wrap: anywhere; }
header.top .title { flex: 1; min-width: 0; }
.live { flex: none; font-size: .8rem; padding: 3px 10px; border-radius: 999px; border: 1px solid var(--line);
  color: var(--muted); white-space: nowrap; }
.live.on { color: var(--good); border-color: currentColor; }
main { max-width: 960px; margin: 0 auto; padding: 16px; display: grid; gap: 16px; }
@media (min-width: 800px) { main { grid-template-columns: 1fr 1fr; } .wide { grid-column: 1 / -1; } }
section.card { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 14px 16px;
  min-width: 0; }
section.card h2 { margin: 0 0 4px; font-size: 1.1rem; overflow-wrap: anywhere; }
section.card h3 { margin: 14px 0 6px; font-size: .85rem; text-transform: uppercase; letter-spacing: .04em;
  color: var(--muted); }
.sub { margin: 0 0 8px; color: var(--muted); font-size: .85rem; overflow-wrap: anywhere; }
table { width: 100%; border-collapse: collapse; font-size: .93rem; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px 6px 0; border-top: 1px solid var(--line);
  overflow-wrap: anywhere; }
th { font-weight: 600; width: 40%; }
td.type { color: var(--muted); font-size: .8rem; width: 1%; white-space: nowrap; }
.value { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; border-radius: 4px;
  padding: 0 2px; transition: background-color .6s; }
.value.changed { background: var(--flash); }
.tag { font-size: .7rem; font-weight: 500; color: var(--muted); border: 1px solid var(--line);
  border-radius: 4px; padding: 0 4px; margin-left: 4px; }
form.action { border-top: 1px solid var(--line); padding: 10px 0 4px; }
form.action fieldset { border: 0; margin: 0; padding: 0; min-width: 0; }
form.action legend { font-weight: 600; padding: 0; margin-bottom: 6px; }
.field { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 10px; margin: 6px 0; }
.field label { min-width: 9em; font-size: .9rem; overflow-wrap: anywhere; }
.field input[type=text], .field input[type=number], .field select { flex: 1 1 12em; min-width: 0; font: inherit;
  padding: 6px 8px; border: 1px solid var(--line); border-radius: 8px; background: var(--bg); color: var(--ink); }
.field input[type=checkbox] { width: 1.3rem; height: 1.3rem; accent-color: var(--accent); }
.hint { width: 100%; color: var(--muted); font-size: .78rem; }
button { font: inherit; font-weight: 600; padding: 7px 16px; border-radius: 8px; border: 0; cursor: pointer;
  background: var(--accent); color: var(--card); }
button:disabled { opacity: .6; }
form.plain { display: inline-block; vertical-align: top; border: 0; margin: 0 8px 0 0; padding: 8px 0 0; }
form.plain button { background: transparent; color: var(--accent); border: 1px solid var(--accent); padding: 6px 14px; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
output.result { display: block; margin-top: 6px; font-size: .9rem; }
.ok { color: var(--good); }
.error { color: var(--bad); }
.result dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 10px; margin: 4px 0 0; }
.result dt { color: var(--muted); }
.result dd { margin: 0; font-family: ui-monospace, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
ul.plain { margin: 4px 0; padding-left: 1.2em; }
ul.entries { list-style: none; padding: 0; columns: 16em; }
ul.entries li { padding: 3px 0; overflow-wrap: anywhere; break-inside: avoid; }
ul.entries li::before { display: inline-block; width: 1.6em; color: var(--muted); }
ul.entries li.folder::before { content: "\\1F4C1"; }
ul.entries li.audio::before { content: "\\266B"; }
ul.entries li.video::before { content: "\\25B6"; }
ul.entries li.image::before { content: "\\25A3"; }
.player audio, .player video, .player img { display: block; width: 100%; max-height: 70vh; object-fit: contain;
  margin: 8px 0; }
.pager { font-weight: 600; }
footer { max-width: 960px; margin: 0 auto; padding: 0 16px 24px; color: var(--muted); font-size: .8rem; }
"""

SCRIPT = """
(function () {
  "use strict";
  var badge = document.getElementById("live");
  function say(text, on) {
    if (badge) { badge.textContent = text; badge.className = on ? "live on" : "live"; }
  }
  if (window.EventSource) {
    var source = new EventSource("?events");
    source.onopen = function () { say("Live", true); };
    source.onerror = function () {
      say(source.readyState === 2 ? "Not live: reload to retry" : "Reconnecting\\u2026", false);
    };
    source.onmessage = function (event) {
      var change = JSON.parse(event.data);
      var cell = document.getElementById(change.id);
      if (cell && cell.textContent !== change.text) {
        cell.textContent = change.text;
        cell.classList.remove("changed");
        void cell.offsetWidth;
        cell.classList.add("changed");
      }
    };
  }
  if (window.fetch && window.FormData && window.URLSearchParams) {
    Array.prototype.forEach.call(document.querySelectorAll("form.action"), function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var out = form.querySelector("output.result");
        var button = form.querySelector("button");
        button.disabled = true;
        fetch(form.getAttribute("action"), {
          method: "POST", credentials: "same-origin",
          headers: { "Accept": "application/json" },
          body: new URLSearchParams(new FormData(form))
        }).then(function (response) {
          if (!response.ok) { throw new Error(response.status + " " + response.statusText); }
          return response.json();
        }).then(function (answer) {
          out.innerHTML = answer.html;
        }).catch(function (error) {
          out.textContent = "Not sent: " + error.message;
        }).then(function () { button.disabled = false; });
      });
    });
  }
}());
"""


def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


#: The C{Content-Security-Policy} of the pages: icons, images and media (a
#: MediaServer's library) from the host itself,
#: the inline style and script above and nothing else, forms and live values
#: to the host itself, never in a frame.
CSP = (
    "default-src 'none'; img-src 'self'; media-src 'self'; "
    f"style-src {_hash(STYLE)}; script-src {_hash(SCRIPT)}; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
).encode("ascii")
