"""What the small fake servers share: serve on 127.0.0.1 until idle."""
import os
import threading
import time


def serve_until_idle(srv, port_file, state, max_idle):
    """Write srv's port to `port_file` (atomically, when given), serve in a
    thread, and return once state["last"] (the last request's time) is
    `max_idle` seconds old."""
    srv.daemon_threads = True
    if port_file:
        with open(port_file + ".tmp", "w") as f:
            f.write(str(srv.server_address[1]))
        os.replace(port_file + ".tmp", port_file)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    while time.time() - state["last"] < max_idle:
        time.sleep(0.5)
    srv.shutdown()
