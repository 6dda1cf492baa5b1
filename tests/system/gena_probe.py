"""
A GENA subscriber for namespace tests, with the standard library only: it
serves NOTIFY on the address given, subscribes to a device (first with a
CALLBACK on another subnet, which must be refused), switches the light
with a SOAP SetTarget, and prints what happened as one JSON object.

    python tests/system/gena_probe.py DEVICE_HOST HTTP_PORT EVENT_PATH CONTROL_PATH LISTEN_HOST CALLBACK_HOST OFFLINK_HOST

LISTEN_HOST is where the callback server binds (an IPv6 link-local address
with its C{%interface}); CALLBACK_HOST is how the CALLBACK names it.
Every wait is bounded (10 s).
"""

import http.client
import http.server
import json
import queue
import socket
import sys
import threading

WAIT = 10
SOAP = (
    '<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
    's:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>'
    '<u:SetTarget xmlns:u="urn:schemas-upnp-org:service:SwitchPower:1"><newTargetValue>1</newTargetValue>'
    "</u:SetTarget></s:Body></s:Envelope>"
)

events: "queue.Queue[dict]" = queue.Queue()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_NOTIFY(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        events.put({
            "sid": self.headers.get("SID"),
            "seq": self.headers.get("SEQ"),
            "nt": self.headers.get("NT"),
            "body": body.decode("utf-8", "replace"),
            "peer": self.client_address[0],
        })
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


class Server6(http.server.HTTPServer):
    address_family = socket.AF_INET6


def request(host: str, port: int, method: str, path: str, headers: dict, body: str = "") -> tuple:
    connection = http.client.HTTPConnection(host, port, timeout=WAIT)
    try:
        connection.request(method, path, body=body.encode() if body else None, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, dict((k.upper(), v) for k, v in response.getheaders())
    finally:
        connection.close()


def main(device: str, port: int, eventPath: str, controlPath: str, listen: str, callback: str, offLink: str) -> dict:
    serverClass = Server6 if ":" in listen else http.server.HTTPServer
    address = socket.getaddrinfo(listen, 0, type=socket.SOCK_STREAM)[0][4]
    server = serverClass(address, Handler)
    callbackPort = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    result: dict = {}
    try:
        bracket = (lambda h: f"[{h}]" if ":" in h else h)
        refused, _ = request(device, port, "SUBSCRIBE", eventPath, {
            "NT": "upnp:event", "CALLBACK": f"<http://{bracket(offLink)}:{callbackPort}/>"})
        result["offLinkStatus"] = refused
        status, headers = request(device, port, "SUBSCRIBE", eventPath, {
            "NT": "upnp:event", "CALLBACK": f"<http://{bracket(callback)}:{callbackPort}/ev>", "TIMEOUT": "Second-1800"})
        result["status"], result["sid"], result["timeout"] = status, headers.get("SID"), headers.get("TIMEOUT")
        result["initial"] = events.get(timeout=WAIT)
        switched, _ = request(device, port, "POST", controlPath, {
            "Content-Type": 'text/xml; charset="utf-8"',
            "SOAPACTION": '"urn:schemas-upnp-org:service:SwitchPower:1#SetTarget"'}, SOAP)
        result["setTarget"] = switched
        result["change"] = events.get(timeout=WAIT)
        result["unsubscribe"], _ = request(device, port, "UNSUBSCRIBE", eventPath, {"SID": result["sid"]})
        result["others"] = events.qsize()
    finally:
        server.shutdown()
    return result


if __name__ == "__main__":
    args = sys.argv[1:]
    sys.stdout.write(json.dumps(main(args[0], int(args[1]), *args[2:])) + "\n")
