"""The built book served on this machine only, as a static host serves it.

The browser tests, the page benchmark and ``make pdf`` all open ``_build/html`` in headless
chromium over HTTP (pages loaded from ``file://`` behave differently), on a free 127.0.0.1 port.
With ``compress=True`` text files are sent gzip-compressed, as GitHub Pages and most hosts send
them, so transfer sizes measured against it are the ones readers get.
"""
from __future__ import annotations

import functools
import gzip
import http.server
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["COMPRESSED_TYPES", "serve"]

COMPRESSED_TYPES = (".html", ".js", ".css", ".json", ".svg", ".csv", ".txt", ".map")  # what static hosts compress


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with no access log (it would fill the test and benchmark output)."""

    compress = False

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def send_head(self):  # noqa: ANN201 (the base class's contract)
        path = Path(self.translate_path(self.path))
        if (not self.compress or path.suffix not in COMPRESSED_TYPES or not path.is_file()
                or "gzip" not in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


class _CompressingHandler(_QuietHandler):
    compress = True


@contextmanager
def serve(directory: Path, compress: bool = False) -> Iterator[str]:
    """Serve ``directory`` on a free 127.0.0.1 port for the ``with`` block; yields the base URL."""
    handler = functools.partial(_CompressingHandler if compress else _QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
