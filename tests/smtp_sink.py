"""A real SMTP server on loopback for the tests (Debian's python3-aiosmtpd,
so it runs under /usr/bin/python3): each message accepted is written to
DIR/NNN.eml with its envelope in DIR/NNN.json; AUTH (PLAIN, LOGIN) is
required when --user is given, over the plain loopback connection.
Stops by itself after --max-idle seconds without a message, or --max-life.

  /usr/bin/python3 tests/smtp_sink.py --dir DIR --port-file F [--user U --password P]
"""
import argparse, json, os, socket, sys, time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--max-idle", type=float, default=120)
    ap.add_argument("--max-life", type=float, default=600)
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    state = {"n": 0, "last": time.time()}

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            state["n"] += 1
            state["last"] = time.time()
            base = os.path.join(a.dir, "%03d" % state["n"])
            with open(base + ".eml", "wb") as f:
                f.write(envelope.original_content or envelope.content)
            with open(base + ".json", "w") as f:
                json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                           "login": getattr(session, "login_data", None) and True}, f)
            return "250 Message accepted for delivery"

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (a.user is not None and getattr(auth_data, "login", None) == a.user.encode() and
              getattr(auth_data, "password", None) == a.password.encode())
        return AuthResult(success=ok, handled=False)

    # a free port: bind, read it, release it for the controller
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    kw = {}
    if a.user:
        kw = {"authenticator": authenticator, "auth_required": True, "auth_require_tls": False}
    c = Controller(Handler(), hostname="127.0.0.1", port=port, **kw)
    c.start()
    with open(a.port_file + ".tmp", "w") as f:
        f.write(str(port))
    os.rename(a.port_file + ".tmp", a.port_file)
    start = time.time()
    try:
        while time.time() - state["last"] < a.max_idle and time.time() - start < a.max_life:
            time.sleep(0.2)
    finally:
        c.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
