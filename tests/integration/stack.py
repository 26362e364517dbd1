"""The real stack's processes on free local ports: Debian's nginx running the shipped
deploy/nginx/untold.conf, gunicorn, a Celery worker and beat. Used by the proxy and end-to-end
tests and by bench/feed_proxy.py; nothing here is pytest-specific.

nginx runs in the foreground with a folder of its own (a temporary one: configuration,
certificate, cache, logs, pid), inside Debian's own /etc/nginx/nginx.conf with its `include`
pointed at the shipped file, so the file is tested where Debian would load it. Only its
machine-specific values are replaced (ports, paths): `template_nginx` fails if one is missing.
"""

import datetime
import http.client
import ipaddress
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UNTOLD_CONF = ROOT / "deploy" / "nginx" / "untold.conf"
DEBIAN_NGINX_CONF = Path("/etc/nginx/nginx.conf")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PUBLIC_HOST = "untold.test"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition, *, timeout: float, message: str, interval: float = 0.05):
    """Poll until condition() is truthy and return it; TimeoutError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


def nginx_available() -> bool:
    return os.path.exists(NGINX) and DEBIAN_NGINX_CONF.exists()


# --- TLS ------------------------------------------------------------------------------------
def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed pair for PUBLIC_HOST and 127.0.0.1, as certbot would lay it out."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, PUBLIC_HOST)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName(PUBLIC_HOST), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    chain, private = directory / "fullchain.pem", directory / "privkey.pem"
    chain.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return chain, private


# --- nginx ----------------------------------------------------------------------------------
def template_nginx(text: str, *, ports: dict[str, int], root: Path) -> str:
    """The shipped configuration with this machine's ports and folders in place of the real ones."""
    replacements = [
        (r"listen 80 default_server;", f"listen 127.0.0.1:{ports['http']} default_server;"),
        (
            r"listen 443 ssl default_server;",
            f"listen 127.0.0.1:{ports['https']} ssl default_server;",
        ),
        (r"listen 127\.0\.0\.1:8080;", f"listen 127.0.0.1:{ports['onion']};"),
        (r"server 127\.0\.0\.1:8000;", f"server 127.0.0.1:{ports['gunicorn']};"),
        (r"/etc/letsencrypt/live/untold/", f"{root}/tls/"),
        (r"/srv/untold/static/", f"{root}/static/"),
        (r"/var/cache/nginx/untold", f"{root}/cache"),
        (r"/var/log/nginx/", f"{root}/logs/"),
        (r"/var/www/certbot", f"{root}/acme"),
    ]
    for pattern, value in replacements:
        text, count = re.subn(pattern, value, text)
        if not count:
            raise ValueError(f"deploy/nginx/untold.conf no longer contains {pattern!r}")
    return text


def main_nginx_conf(*, root: Path, include: Path) -> str:
    """Debian's nginx.conf, with its own paths in the prefix and its includes on our file only."""
    text = DEBIAN_NGINX_CONF.read_text()
    text = re.sub(r"(?m)^pid .*;$", f"pid {root}/nginx.pid;", text)
    text = re.sub(r"(?m)^error_log .*;$", f"error_log {root}/logs/main-error.log;", text)
    # The http block's default log: the shipped servers must each override it (checked).
    text = re.sub(
        r"(?m)^(\s*)access_log .*;$", rf"\1access_log {root}/logs/default-access.log;", text
    )
    text = re.sub(r"(?m)^(\s*)include /etc/nginx/sites-enabled/\*;$", "", text)
    temp = "".join(
        f"\t{kind}_temp_path {root}/temp/{kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    text, count = re.subn(
        r"(?m)^(\s*)include /etc/nginx/conf\.d/\*\.conf;$", rf"{temp}\1include {include};", text
    )
    if not count:
        raise ValueError("/etc/nginx/nginx.conf no longer includes conf.d/*.conf")
    return text


class Nginx:
    """Debian's nginx, in the foreground, running deploy/nginx/untold.conf on free ports."""

    def __init__(self, *, gunicorn_port: int, root: Path | None = None):
        # Not under pytest's tmp_path (mode 700 up the tree): nginx's workers, www-data when
        # the master is root, must reach the static files.
        root = root or Path(tempfile.mkdtemp(prefix="untold-nginx-"))
        self.root = root
        self.ports = {
            "http": free_port(),
            "https": free_port(),
            "onion": free_port(),
            "gunicorn": gunicorn_port,
        }
        for folder in ("logs", "static", "acme", "temp"):
            (root / folder).mkdir(parents=True, exist_ok=True)
        self.certificate, _ = make_certificate(root / "tls")
        os.chmod(root, 0o755)  # nginx hands its cache and temporary folders to the workers itself
        (root / "untold.conf").write_text(
            template_nginx(UNTOLD_CONF.read_text(), ports=self.ports, root=root)
        )
        (root / "nginx.conf").write_text(main_nginx_conf(root=root, include=root / "untold.conf"))
        self.process: subprocess.Popen | None = None

    def command(self, *extra: str) -> list[str]:
        # Nginx's own prefix, so that Debian's modules-enabled/*.conf load as they would; every
        # path of ours is absolute, and -e moves even the log written before the configuration.
        conf, early = self.root / "nginx.conf", self.root / "logs" / "startup-error.log"
        return [NGINX, "-c", str(conf), "-e", str(early), *extra]

    def check(self) -> subprocess.CompletedProcess:
        return subprocess.run(self.command("-t"), capture_output=True, text=True, timeout=30)

    def start(self) -> "Nginx":
        with (self.root / "logs" / "nginx-stdout.log").open("wb") as out:
            self.process = subprocess.Popen(
                self.command("-g", "daemon off;"),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_until(self._listening, timeout=20, message="nginx to listen")
        except BaseException:
            self.stop()
            raise
        return self

    def _listening(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError("nginx exited:\n" + self.logs())
        try:
            socket.create_connection(("127.0.0.1", self.ports["https"]), 0.5).close()
            return True
        except OSError:
            return False

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')}"
            for path in sorted((self.root / "logs").glob("*.log"))
        )

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: finish, then exit
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def client(self, **options) -> "Client":
        return Client(self, **options)


class Client:
    """HTTPS (or the onion listener's, or plain HTTP) requests to the nginx, one connection each.

    `source` is the client's own address: any 127.0.0.x, so a test can look for it in logs.
    """

    def __init__(self, nginx: Nginx, *, source: str = "127.0.0.1", host: str = PUBLIC_HOST):
        self.nginx = nginx
        self.source = source
        self.host = host
        self.context = ssl.create_default_context(cafile=str(nginx.certificate))

    def request(
        self,
        method: str,
        path: str,
        *,
        headers: dict | None = None,
        body: bytes | None = None,
        door: str = "https",
        host: str | None = None,
    ):
        """(status, headers as a list of pairs, body). `door`: https, http or onion."""
        port = self.nginx.ports[door]
        source = (self.source, 0)
        if door == "https":
            conn = http.client.HTTPSConnection(
                "127.0.0.1", port, context=self.context, timeout=30, source_address=source
            )
        else:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=source)
        try:
            conn.request(
                method, path, body=body, headers={"Host": host or self.host, **(headers or {})}
            )
            response = conn.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            conn.close()

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)


def header(headers: list[tuple[str, str]], name: str) -> str | None:
    values = [value for key, value in headers if key.lower() == name.lower()]
    return ", ".join(values) if values else None


# --- gunicorn, worker, beat -----------------------------------------------------------------
class Service:
    """A subprocess in a process group of its own, its output in one log file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], logs: Path):
        self.name = name
        self.log = logs / f"{name}.log"
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    def alive(self) -> bool:
        return self.process.poll() is None

    def require_alive(self) -> None:
        if not self.alive():
            raise RuntimeError(f"{self.name} exited:\n{self.log.read_text(errors='replace')}")

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)


def gunicorn(env: dict[str, str], logs: Path, *, port: int, workers: int = 1) -> Service:
    service = Service(
        "gunicorn",
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--config", "config/gunicorn.py"],
        {**env, "PORT": str(port), "BIND_HOST": "127.0.0.1", "WEB_CONCURRENCY": str(workers)},
        logs,
    )

    host = (env.get("ALLOWED_HOSTS") or "127.0.0.1").split(",")[0]

    def ready() -> bool:
        service.require_alive()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz", headers={"Host": host})
            return conn.getresponse().status == 200
        except OSError:
            return False

    try:
        wait_until(ready, timeout=60, message="gunicorn to answer /healthz")
    except BaseException:
        service.stop()  # never left running by a start that failed
        raise
    return service


def celery(name: str, args: list[str], env: dict[str, str], logs: Path) -> Service:
    return Service(name, [sys.executable, "-m", "celery", "-A", "config", *args], env, logs)


def manage(env: dict[str, str], *args: str, code: str = "") -> str:
    """`manage.py <args>`, or a Python snippet after django.setup(); its output."""
    command = [sys.executable, "manage.py", *args] if args else [
        sys.executable, "-c", f"import django\ndjango.setup()\n{code}",
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode:
        raise RuntimeError(f"{command[1:3]} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout
