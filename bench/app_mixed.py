"""Throughput of the Coko app on the realistic mix of issue 13, against a hello-world baseline.

The mix (bench/wrk_mixed.lua): 60 % catalogue searches over varied terms, 30 % of which miss
the cache (unique query/page-size combinations: what reaches PostgreSQL); 25 % signed-in
progress writes from 50 sessions; 15 % signed-in progress lists. The app runs under gunicorn
with app/gunicorn.conf.py and the production settings (bench/coko_bench_settings.py swaps
only TLS to the local PostgreSQL, the HTTPS redirect and S3), against the real local
PostgreSQL and Redis. The hello-world WSGI app (bench/hello_wsgi.py) runs under the same
gunicorn configuration in the same run, so the ratio survives a noisy machine.

    uv run python bench/app_mixed.py [--duration 15] [--connections 32] [--threads N]

Bounded: one warm-up and two measured wrk runs of --duration seconds; servers always stopped.
Exit 1 when the target (>= 1,000 req/s, p95 <= 100 ms, zero non-2xx) is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from app_load import BENCH, bench_env, ensure_wrk, gunicorn, manage, throughput

ALIASES = ("default", "auth_db", "catalog_db", "reading_db", "recommendation_db")
TARGET_RPS, TARGET_P95_MS = 1000.0, 100.0
BOOKS, SESSIONS, BOOKS_PER_READER = 5000, 50, 4

WORDS = [
    "soleil",
    "nuit",
    "fleuve",
    "lettre",
    "aventure",
    "enfant",
    "royaume",
    "memoire",
    "voyage",
    "silence",
    "pluie",
    "terre",
    "chemin",
    "savane",
    "etoile",
    "ville",
    "village",
    "ombre",
    "lumiere",
    "femme",
    "homme",
    "reine",
    "histoire",
    "chanson",
    "vent",
    "sable",
    "mer",
    "foret",
    "desert",
    "baobab",
]
HOT_TERMS = [*WORDS[:20], "kane", "ba", "achebe", "kourouma", "sembene", "ngugi", "adichie", "diop", "laye", "beti"]
AUTHORS_FIRST = [
    "Cheikh",
    "Mariama",
    "Chinua",
    "Ahmadou",
    "Ousmane",
    "Ngugi",
    "Chimamanda",
    "Boubacar",
    "Camara",
    "Mongo",
    "Aminata",
    "Ken",
    "Tsitsi",
    "Alain",
    "Fatou",
]
AUTHORS_LAST = [
    "Kane",
    "Ba",
    "Achebe",
    "Kourouma",
    "Sembene",
    "Ngugi",
    "Adichie",
    "Diop",
    "Laye",
    "Beti",
    "Sow",
    "Saro-Wiwa",
    "Dangarembga",
    "Mabanckou",
    "Diome",
]

SETUP_SCRIPT = """
import json, random, secrets
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.hashers import make_password
from importlib import import_module
from coko.catalog.models import Book

words, first, last = {words!r}, {first!r}, {last!r}
have = Book.objects.count()
rng = random.Random(7)
Book.objects.bulk_create(
    Book(
        title=f"{{rng.choice(words).capitalize()}} et {{rng.choice(words)}} {{n}}",
        author=f"{{rng.choice(first)}} {{rng.choice(last)}}",
        isbn=f"mix-{{n:06d}}",
        published_year=1950 + n % 70,
    )
    for n in range(have, {books})
)
ids = list(Book.objects.order_by("id").values_list("id", flat=True)[:1000])
User = get_user_model()
password = make_password("bench-reader-password")  # hashed once, shared: setup stays fast
store = import_module(settings.SESSION_ENGINE).SessionStore
backend = next(path for path in settings.AUTHENTICATION_BACKENDS if path.endswith("ModelBackend"))  # what login would store
sessions = []
for n in range({sessions}):
    user, _ = User.objects.get_or_create(username=f"bench-reader-{{n}}", defaults={{"password": password}})
    session = store()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = backend
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    sessions.append({{"sid": session.session_key, "csrf": secrets.token_hex(16), "books": rng.sample(ids, {per_reader})}})
print(json.dumps(sessions))
"""


@dataclass(frozen=True)
class Run:
    label: str
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    ok: int
    errors: dict[str, int]
    socket_errors: int
    shares: dict[str, int]

    @property
    def non2xx(self) -> int:
        return sum(self.errors.values())


def lua_script(sessions: list[dict[str, object]]) -> str:
    """wrk_mixed.lua preceded by the data tables it draws from."""

    def lua_list(items: list[str]) -> str:
        return "{" + ", ".join(json.dumps(i) for i in items) + "}"

    rows = ", ".join(f'{{sid = "{s["sid"]}", csrf = "{s["csrf"]}", books = {{{", ".join(str(b) for b in s["books"])}}}}}' for s in sessions)  # type: ignore[attr-defined]
    header = f"SESSIONS = {{{rows}}}\nHOT = {lua_list(HOT_TERMS)}\nWORDS = {lua_list(WORDS)}\n"
    return header + (BENCH / "wrk_mixed.lua").read_text()


def run_wrk(wrk: str, label: str, url: str, script: Path | None, args: argparse.Namespace) -> Run:
    cmd = [wrk, f"-t{args.wrk_threads}", f"-c{args.connections}", f"-d{args.duration}s", "--timeout", "5s", "-s", str(script or BENCH / "wrk_report.lua"), url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=args.duration + 60).stdout
    data = json.loads(out.strip().splitlines()[-1])
    codes = ("s400", "s401", "s403", "s404", "s405", "s429", "s500", "s503", "sother")
    errors = {code[1:]: int(data[code]) for code in codes if data.get(code)}
    if script is None:  # the baseline script only counts non-2xx
        errors = {"non-2xx": int(data["non2xx"])} if data["non2xx"] else {}
    return Run(
        label=label,
        **throughput(data),
        ok=int(data.get("s2xx", data["requests"] - data.get("non2xx", 0))),
        errors=errors,
        socket_errors=int(data["socket_errors"]),
        shares={k: int(data[k]) for k in ("searches", "misses", "writes", "lists") if k in data},
    )


def table(runs: list[Run], baseline: Run) -> str:
    lines = [
        "| run | req/s | p50 ms | p95 ms | p99 ms | non-2xx | socket errors | vs baseline |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in [*runs, baseline]:
        errors = ", ".join(f"{n} × {code}" for code, n in r.errors.items()) or "0"
        lines.append(
            f"| {r.label} | {r.rps:,.0f} | {r.p50_ms:.1f} | {r.p95_ms:.1f} | {r.p99_ms:.1f} | {errors} | {r.socket_errors} | {r.rps / baseline.rps:.2f} |"
        )
    return "\n".join(lines)


def flush_bench_cache(env: dict[str, str]) -> None:
    """Start from an empty cache: the first searches of each run are misses as they would be."""
    manage(["shell", "-c", "from django.core.cache import cache; cache.delete_pattern('*')"], env)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=15, help="seconds per measured wrk run (default 15)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: gunicorn.conf.py's)")
    parser.add_argument("--threads", type=int, default=None, help="gunicorn threads per worker (default: gunicorn.conf.py's)")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()

    wrk = ensure_wrk()
    env = bench_env()
    env.update({k: str(v) for k, v in (("GUNICORN_WORKERS", args.workers), ("GUNICORN_THREADS", args.threads)) if v is not None})
    for alias in ALIASES:
        manage(["migrate_alias", alias, "--verbosity", "0"], env)
    script_text = SETUP_SCRIPT.format(words=WORDS, first=AUTHORS_FIRST, last=AUTHORS_LAST, books=BOOKS, sessions=SESSIONS, per_reader=BOOKS_PER_READER)
    sessions = json.loads(manage(["shell", "-c", script_text], env).strip().splitlines()[-1])
    flush_bench_cache(env)

    with tempfile.TemporaryDirectory(prefix="coko-mix-") as tmp:
        script = Path(tmp) / "mix.lua"
        script.write_text(lua_script(sessions))
        runs: list[Run] = []
        with gunicorn("coko.wsgi:application", env) as base:
            warm = argparse.Namespace(**{**vars(args), "duration": 5})
            run_wrk(wrk, "warm-up", base + "/", script, warm)  # connections, hot terms, detail cache
            for n in range(args.runs):
                runs.append(run_wrk(wrk, f"mix, run {n + 1}", base + "/", script, args))
        with gunicorn("hello_wsgi:application", env) as base:
            baseline = run_wrk(wrk, "baseline: hello-world WSGI", base + "/health/", None, args)

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    workers = env.get("GUNICORN_WORKERS", "3 (config default)")
    threads = env.get("GUNICORN_THREADS", "config default")
    print(
        f"wrk -t{args.wrk_threads} -c{args.connections} -d{args.duration}s, gunicorn workers {workers}, threads {threads}, {os.cpu_count()} CPUs, load average {load}"
    )
    print(table(runs, baseline))
    for r in runs:
        total = sum(r.shares.values()) - r.shares.get("misses", 0)
        if total:
            s = r.shares
            print(
                f"{r.label}: searches {s['searches'] / total:.0%} (misses {s['misses'] / max(s['searches'], 1):.0%} of them), writes {s['writes'] / total:.0%}, lists {s['lists'] / total:.0%}"
            )
    best = min(runs, key=lambda r: r.rps)
    ok = all(r.rps >= TARGET_RPS and r.p95_ms <= TARGET_P95_MS and r.non2xx == 0 and r.socket_errors == 0 for r in runs)
    print(
        f"\ntarget (every run >= {TARGET_RPS:,.0f} req/s, p95 <= {TARGET_P95_MS:.0f} ms, zero non-2xx): {'met' if ok else 'MISSED'} (slowest run {best.rps:,.0f} req/s, p95 {best.p95_ms:.1f} ms)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
