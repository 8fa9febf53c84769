"""A small HTTP server that reports the version of the one package it installs."""
from http.server import BaseHTTPRequestHandler, HTTPServer

import six


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/":
            body = f"six {six.__version__} on py{six.PY3 and 3 or 2}\n".encode()
            self.send_response(200)
        else:
            body = b"not found\n"
            self.send_response(404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    HTTPServer(("0.0.0.0", 8000), Handler).serve_forever()
